import type { RoomStore, UpdateToAppend } from '../store/room-store'

interface PendingWrite extends UpdateToAppend {
  resolve(seq: number): void
  reject(error: unknown): void
}

/**
 * Collects the updates of every room that arrive in one turn of the event loop and writes
 * them in one store transaction, so storing before broadcasting stays cheap. Batches are
 * written one after another, so sequence numbers follow arrival order.
 */
export class WriteQueue {
  private pending: PendingWrite[] = []
  private writing: Promise<void> = Promise.resolve()
  private readonly chores: Array<() => Promise<void>> = []

  constructor(private readonly store: RoomStore) {}

  write(roomId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush())
      this.pending.push({ roomId, update, at: Date.now(), resolve, reject })
    })
  }

  /**
   * Runs `chore` (a room's snapshot) in a later turn of the event loop, one chore a turn.
   * Rooms loaded together and written at one rate reach their snapshots together; done in
   * one turn, every one of them would encode and store while all broadcasts wait.
   */
  later(chore: () => Promise<void>): void {
    if (this.chores.push(chore) === 1) setImmediate(this.runChore)
  }

  private readonly runChore = (): void => {
    const chore = this.chores.shift()
    if (this.chores.length > 0) setImmediate(this.runChore)
    // The updates of this turn go first: a snapshot then holds stored changes only, and
    // their broadcasts never wait for it.
    if (this.pending.length > 0) this.flush()
    if (chore) this.writing = this.writing.then(chore).catch(() => undefined)
  }

  /** Resolves once everything queued so far is stored (or failed). */
  async idle(): Promise<void> {
    while (this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve))
    await this.writing
  }

  private flush(): void {
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    this.writing = this.writing.then(async () => {
      try {
        const seqs = await this.store.appendUpdates(batch.map(({ roomId, update, at }) => ({ roomId, update, at })))
        batch.forEach((w, i) => w.resolve(seqs[i] ?? -1))
      } catch (error) {
        batch.forEach((w) => w.reject(error))
      }
    })
  }
}
