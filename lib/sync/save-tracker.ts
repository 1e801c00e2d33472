/**
 * Counts the local changes the server has not yet confirmed as stored. After local changes
 * the client sends a save check numbered n on the same ordered connection; the server
 * answers n once it has stored everything it received before the check, so the answer
 * covers every change sent before it, whatever kind of change it was.
 */
export class SaveTracker {
  private nextCheck = 1
  /** Local changes not yet sent with a check (made offline, or before the room synced). */
  private unsent: number
  private readonly inFlight: Array<{ check: number; changes: number }> = []
  private live = false
  private readonly listeners = new Set<() => void>()

  constructor(
    private readonly sendCheck: (check: number) => void,
    /** Changes kept from an earlier visit that the server never confirmed. */
    restoredUnsaved = 0,
  ) {
    this.unsent = restoredUnsaved
  }

  get unsavedCount(): number {
    return this.unsent + this.inFlight.reduce((sum, entry) => sum + entry.changes, 0)
  }

  /** A local change was made (call once per local transaction). */
  localChange(): void {
    this.unsent += 1
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
    for (const entry of this.inFlight.splice(0)) this.unsent += entry.changes
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
    this.unsent = 0
    this.sendCheck(check)
  }

  private emit(): void {
    for (const listener of this.listeners) listener()
  }
}
