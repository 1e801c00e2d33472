// Plain JavaScript, so that the compaction worker (compact-worker.mjs) runs it without a
// TypeScript loader; types in fold-encoding.d.mts.
import * as Y from 'yjs'

/**
 * A room's encoding with its later changes folded in, written by a Y.Doc: what the changes
 * deleted keeps no content. Applying everything in one transaction and encoding costs less than
 * Y.mergeUpdates of the same inputs (which decodes and rewrites every item's content and keeps
 * what was deleted): for a 500-shape board and 375 moves 25 vs 38 ms, for one shape 5 vs 7 ms
 * (scratch timing, median of 9).
 */
export function foldEncoding(name, base, changes) {
  const doc = new Y.Doc({ guid: name })
  try {
    doc.transact(() => {
      Y.applyUpdate(doc, base)
      for (const change of changes) Y.applyUpdate(doc, change)
    })
    if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('the changes do not integrate into the encoding')
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
