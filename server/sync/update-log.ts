import * as Y from 'yjs'

/**
 * The changes a room took through its outline, folded as they come: the latest few back to
 * back in one buffer (a few bytes each beyond their own, where a Uint8Array each costs ~100,
 * and a frame's bytes may be a view of the socket's whole read buffer), merged into one
 * update every 12-20 of them. Y.mergeUpdates costs ~40 us per input and sorts all its inputs
 * at each step, so merging the ~500 changes between two snapshots at once took 25-50 ms per
 * room; in small random batches no merge holds the event loop long, and rooms that started
 * together do not merge together.
 */
export class UpdateLog {
  private merged: Uint8Array[] = []
  private bytes = new Uint8Array(0)
  private used = 0
  private readonly ends: number[] = []
  private mergeAt = UpdateLog.batch()

  private static batch(): number {
    return 12 + Math.floor(Math.random() * 9)
  }

  get count(): number {
    return this.merged.length + this.ends.length
  }

  append(update: Uint8Array): void {
    const needed = this.used + update.byteLength
    if (needed > this.bytes.byteLength) {
      // Room to grow, but never more than 64 KiB of it (a board uploaded at once stays its size).
      const grown = new Uint8Array(Math.max(256, needed + Math.min(needed, 64 * 1024)))
      grown.set(this.bytes.subarray(0, this.used))
      this.bytes = grown
    }
    this.bytes.set(update, this.used)
    this.used = needed
    this.ends.push(needed)
    if (this.ends.length >= this.mergeAt) {
      this.merged.push(Y.mergeUpdates(this.recent()))
      this.bytes = new Uint8Array(0)
      this.used = 0
      this.ends.length = 0
      this.mergeAt = UpdateLog.batch()
    }
  }

  /** The changes, as fewer updates (views valid until the next append or clear). */
  updates(): Uint8Array[] {
    return [...this.merged, ...this.recent()]
  }

  clear(): void {
    this.merged = []
    this.bytes = new Uint8Array(0)
    this.used = 0
    this.ends.length = 0
  }

  private recent(): Uint8Array[] {
    return this.ends.map((end, i) => this.bytes.subarray(i === 0 ? 0 : this.ends[i - 1], end))
  }
}
