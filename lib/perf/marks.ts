/**
 * Performance marks the browser benchmark (bench/browser.ts) reads with
 * `performance.getEntriesByName(...)`. They cost one entry in the page's performance timeline
 * and nothing else, so production builds keep them.
 */

/**
 * The canvas can be edited: the tldraw editor is mounted and, on a room page, the room's
 * records are in its store and the connection to the server is live. Set once per page load.
 */
export const EDITABLE_MARK = 'boxes:editable'

export interface EditableDetail {
  /** Shapes on the current page when the mark was set (0 for an empty room or the bare page). */
  shapes: number
}

export function markEditable(detail: EditableDetail): void {
  if (typeof performance === 'undefined' || performance.getEntriesByName(EDITABLE_MARK).length > 0) return
  performance.mark(EDITABLE_MARK, { detail })
}
