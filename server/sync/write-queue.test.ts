import { describe, expect, it } from 'vitest'
import type { RoomStore, UpdateToAppend } from '../store/room-store'
import { WriteQueue } from './write-queue'

/** A store that only numbers appends; `log` says what happened in which order. */
function recordingStore() {
  const log: string[] = []
  let seq = 0
  const store = {
    appendUpdates: async (updates: UpdateToAppend[]) => {
      log.push(`append ${updates.map((u) => u.update[0]).join(',')}`)
      return updates.map(() => ++seq)
    },
  } as unknown as RoomStore
  return { store, log }
}

/** Counts turns of the event loop until stopped. */
function turnCounter() {
  let turn = 0
  let running = true
  const tick = () => {
    turn += 1
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  return { now: () => turn, stop: () => (running = false) }
}

describe('write queue', () => {
  it('WQ1: updates queued together are written in one batch, in arrival order, with rising seqs', async () => {
    const { store, log } = recordingStore()
    const queue = new WriteQueue(store)
    const seqs = await Promise.all([1, 2, 3].map((n) => queue.write('r', Uint8Array.of(n))))
    expect(log).toEqual(['append 1,2,3'])
    expect(seqs).toEqual([1, 2, 3])
  })

  it('WQ3: a batch of small updates is written once the code that queued it returns, not at the end of the turn', async () => {
    const { store, log } = recordingStore()
    const queue = new WriteQueue(store)
    const turns = turnCounter()
    const first = [queue.write('r', Uint8Array.of(1)), queue.write('r', Uint8Array.of(2))]
    await Promise.resolve()
    const later = [queue.write('r', Uint8Array.of(3))]
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3])
    turns.stop()
    expect(log).toEqual(['append 1,2', 'append 3'])
    // Written already: no turn of the event loop has passed.
    expect(turns.now()).toBe(0)
  })

  it('WQ3: a batch over maxEarlyBytes waits for the end of the turn, and what joins it meanwhile goes with it', async () => {
    const { store, log } = recordingStore()
    const queue = new WriteQueue(store, { maxEarlyBytes: 8 })
    const turns = turnCounter()
    const writes = [queue.write('r', new Uint8Array(9).fill(1))]
    await Promise.resolve()
    writes.push(queue.write('r', Uint8Array.of(2)))
    await Promise.resolve()
    expect(log).toEqual([])
    await Promise.all(writes)
    turns.stop()
    expect(log).toEqual(['append 1,2'])
    expect(turns.now()).toBeGreaterThan(0)
  })

  it('WQ2: chores run one a turn, each after the updates queued before it are stored', async () => {
    const { store, log } = recordingStore()
    const queue = new WriteQueue(store)
    const turns = turnCounter()
    const choreTurns: number[] = []
    const done = Array.from({ length: 5 }, (_, n) => {
      void queue.write('r', Uint8Array.of(n))
      return new Promise<void>((resolve) =>
        queue.later(async () => {
          log.push(`chore ${n}`)
          choreTurns.push(turns.now())
          resolve()
        }),
      )
    })
    await Promise.all(done)
    turns.stop()
    expect(log.slice(0, 2)).toEqual(['append 0,1,2,3,4', 'chore 0'])
    expect(new Set(choreTurns).size).toBe(5)
  })
})
