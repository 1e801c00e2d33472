/** See node-flags.mjs. */
export declare const SERVER_NODE_FLAGS: readonly string[]
/** `node` arguments that start server/main.ts with SERVER_NODE_FLAGS. */
export declare const APP_SERVER_ARGS: readonly string[]
