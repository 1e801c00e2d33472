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

  constructor(private readonly store: RoomStore) {}

  write(roomId: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush())
      this.pending.push({ roomId, update, at: Date.now(), resolve, reject })
    })
  }

  /** Resolves once everything queued so far is stored (or failed). */
  async idle(): Promise<void> {
    while (this.pending.length > 0) await new Promise((resolve) => setImmediate(resolve))
    await this.writing
  }

  private flush(): void {
    const batch = this.pending
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
