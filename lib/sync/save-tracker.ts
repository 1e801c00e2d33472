import type * as Y from 'yjs'

/**
 * Counts the local changes the server has not yet confirmed as stored, as the number of
 * distinct things changed (a shape dragged across 30 frames is one change). After local changes
 * the client sends a save check numbered n on the same ordered connection; the server
 * answers n once it has stored everything it received before the check, so the answer
 * covers every change sent before it, whatever kind of change it was.
 */
export class SaveTracker {
  private nextCheck = 1
  /** Local changes not yet sent with a check (made offline, or before the room synced). */
  private unsent = new Set<string>()
  private readonly inFlight: Array<{ check: number; changes: Set<string> }> = []
  private live = false
  private readonly listeners = new Set<() => void>()

  constructor(
    private readonly sendCheck: (check: number) => void,
    /** Changes kept from an earlier visit that the server never confirmed. */
    restoredUnsaved = 0,
  ) {
    for (let i = 0; i < restoredUnsaved; i += 1) this.unsent.add(`restored:${i}`)
  }

  get unsavedCount(): number {
    const all = new Set(this.unsent)
    for (const entry of this.inFlight) for (const key of entry.changes) all.add(key)
    return all.size
  }

  /** A local transaction changed these things (see changedKeys). */
  localChange(keys: Iterable<string>): void {
    for (const key of keys) this.unsent.add(key)
    if (this.live) this.flush()
    this.emit()
  }

  /** The connection finished its initial sync: what we had offline has been sent. */
  synced(): void {
    this.live = true
    this.flush()
    this.emit()
  }

  /** The connection dropped: whatever was in flight is unconfirmed again. */
  disconnected(): void {
    this.live = false
    for (const entry of this.inFlight.splice(0)) for (const key of entry.changes) this.unsent.add(key)
    this.emit()
  }

  /** The server confirmed the check numbered `check`. */
  confirmed(check: number): void {
    let index = 0
    while (index < this.inFlight.length && (this.inFlight[index]?.check ?? Infinity) <= check) index += 1
    if (index === 0) return
    this.inFlight.splice(0, index)
    this.emit()
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private flush(): void {
    const check = this.nextCheck++
    this.inFlight.push({ check, changes: this.unsent })
    this.unsent = new Set()
    this.sendCheck(check)
  }

  private emit(): void {
    for (const listener of this.listeners) listener()
  }
}

/**
 * What a transaction changed, one key per entry of a top-level shared type (for the room's
 * records map: one key per tldraw record), so repeated edits of one thing count once.
 */
export function changedKeys(transaction: Y.Transaction): Set<string> {
  const keys = new Set<string>()
  for (const [type, subs] of transaction.changed) {
    let child = type
    while (child._item?.parent && (child._item.parent as typeof type)._item) {
      child = child._item.parent as typeof type
    }
    if (child._item) keys.add(child._item.parentSub ?? `${child._item.id.client}:${child._item.id.clock}`)
    else for (const sub of subs) keys.add(sub ?? 'list')
  }
  return keys
}
