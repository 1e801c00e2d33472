/** See fold-encoding.mjs. Throws when a change cannot integrate (it would be lost). */
export declare function foldEncoding(name: string, base: Uint8Array, changes: readonly Uint8Array[]): Uint8Array
