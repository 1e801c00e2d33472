/** See node-flags.mjs. */
export declare const SERVER_NODE_FLAGS: readonly string[]
/** `node` arguments that start server/main.ts with SERVER_NODE_FLAGS. */
export declare const APP_SERVER_ARGS: readonly string[]
/** What the server's environment adds: see node-flags.mjs. */
export declare const SERVER_ENV: Readonly<Record<string, string>>
/** `env` (process.env by default) with SERVER_ENV beneath it: what is set already wins. */
export declare function serverEnv<E extends Record<string, string | undefined>>(env?: E): E & Record<string, string>
