import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { KEPT_HISTORY_SHARE, type RoomStore, type StoredRoom, type StoredUpdate } from './room-store'
import { RoomExistsError, RoomNotFoundError } from './store-errors'

/**
 * Promises every RoomStore keeps; test names cite them.
 * RS1 A created room reads back as created; an id is created once.
 * RS2 Unknown rooms read as absent; writes naming them reject and store nothing.
 * RS3 appendUpdates is one atomic write: seqs rise in call order within a room, each room sees only its own updates.
 * RS4 Snapshot plus the updates after it rebuild the same document as the full log.
 * RS5 A snapshot folds the log it covers away but for a recent history (the newest updates within
 *     KEPT_HISTORY_SHARE of its bytes); updates after it stay; timestamps stay; a stale snapshot
 *     neither replaces a newer one nor folds anything.
 * RS6 Link generations change one role at a time.
 * RS7 Bytes round-trip exactly and callers cannot change stored bytes.
 * RS8 A reopened store holds everything the closed one acknowledged.
 */
export interface OpenedStore {
  store: RoomStore
  reopen?: () => Promise<RoomStore>
  cleanup: () => Promise<void>
}

const generations = { interviewer: 1, candidate: 1, reviewer: 1 }
const room = (roomId: string, createdAt = 1_000): StoredRoom => ({ roomId, createdAt, linkGenerations: { ...generations } })

/** A Yjs board whose every edit is recorded as the update a client would send. */
function recordedBoard(seed: (doc: Y.Doc) => void = () => {}) {
  const doc = new Y.Doc()
  seed(doc)
  const seedUpdate = Y.encodeStateAsUpdate(doc)
  const edits: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => edits.push(update))
  const edit = (i: number) =>
    doc.transact(() => {
      doc.getMap('shapes').set(`shape-${i % 5}`, { x: i, label: `box ${i}` })
      doc.getText('notes').insert(0, `${i};`)
    })
  return { doc, seedUpdate, edits, edit }
}

function docFrom(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  updates.forEach((u) => Y.applyUpdate(doc, u))
  return doc
}

const bytesOf = (updates: StoredUpdate[]) => updates.map((u) => u.update)
// Compares large byte arrays fast and fails with a short message instead of a 64 KiB diff.
const fingerprint = (b: Uint8Array | undefined) => b && `${b.length}:${createHash('sha256').update(b).digest('hex')}`

export function describeRoomStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`RoomStore contract: ${name}`, () => {
    let opened: OpenedStore
    let store: RoomStore
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => {
      await store.close()
      await opened.cleanup()
    })

    it('RS1 a created room reads back with its generations and seed update', async () => {
      const seed = new Uint8Array([9, 8, 7])
      await store.createRoom(room('r1', 1234), seed)
      expect(await store.getRoom('r1')).toEqual(room('r1', 1234))
      const content = await store.loadRoomContent('r1')
      expect(content?.snapshot).toBeNull()
      expect(content?.updates.map((u) => [u.at, [...u.update]])).toEqual([[1234, [9, 8, 7]]])
    })

    it('RS1 creating an existing id rejects and leaves the room untouched', async () => {
      await store.createRoom(room('r1', 1), new Uint8Array([1]))
      await expect(store.createRoom(room('r1', 2), new Uint8Array([2]))).rejects.toThrow(RoomExistsError)
      expect((await store.getRoom('r1'))?.createdAt).toBe(1)
      expect(bytesOf(await store.readUpdateLog('r1'))).toEqual([new Uint8Array([1])])
    })

    it('RS2 an unknown room reads as absent and writes to it reject without storing', async () => {
      expect(await store.getRoom('nope')).toBeNull()
      expect(await store.loadRoomContent('nope')).toBeNull()
      expect(await store.readUpdateLog('nope')).toEqual([])
      await expect(store.setLinkGeneration('nope', 'candidate', 2)).rejects.toThrow(RoomNotFoundError)
      await expect(store.writeSnapshot('nope', new Uint8Array([1]), 1)).rejects.toThrow(RoomNotFoundError)

      await store.createRoom(room('r1'), new Uint8Array([1]))
      const batch = [
        { roomId: 'r1', update: new Uint8Array([2]), at: 2 },
        { roomId: 'nope', update: new Uint8Array([3]), at: 3 },
      ]
      await expect(store.appendUpdates(batch)).rejects.toThrow(RoomNotFoundError)
      expect(bytesOf(await store.readUpdateLog('r1'))).toEqual([new Uint8Array([1])])
      expect(await store.getRoom('nope')).toBeNull()
    })

    it('RS3 one append across two rooms keeps per-room order and isolation', async () => {
      await store.createRoom(room('a'), new Uint8Array([0xa0]))
      await store.createRoom(room('b'), new Uint8Array([0xb0]))
      const batch = [1, 2, 3, 4, 5].map((i) => ({ roomId: i % 2 ? 'a' : 'b', update: new Uint8Array([i]), at: 10 + i }))
      const seqs = await store.appendUpdates(batch)
      expect(seqs).toHaveLength(5)
      // Seqs order a room's log; they increase within each room (one numbering or one per room).
      const [a1 = 0, b2 = 0, a3 = 0, b4 = 0, a5 = 0] = seqs
      expect(a1 < a3 && a3 < a5 && b2 < b4).toBe(true)

      const logA = await store.readUpdateLog('a')
      const logB = await store.readUpdateLog('b')
      expect(bytesOf(logA)).toEqual([[0xa0], [1], [3], [5]].map((b) => new Uint8Array(b)))
      expect(bytesOf(logB)).toEqual([[0xb0], [2], [4]].map((b) => new Uint8Array(b)))
      expect(logA.slice(1).map((u) => u.seq)).toEqual([seqs[0], seqs[2], seqs[4]])
      expect(logB.slice(1).map((u) => [u.seq, u.at])).toEqual([[seqs[1], 12], [seqs[3], 14]])
      expect(await store.appendUpdates([])).toEqual([])
    })

    it('RS4 snapshot plus later updates rebuild the same Yjs document as the full log', async () => {
      const board = recordedBoard((doc) => doc.getMap('shapes').set('frame', { w: 800 }))
      await store.createRoom(room('r1'), board.seedUpdate)
      const write = async (from: number, to: number) => {
        for (let i = from; i < to; i++) board.edit(i)
        const fresh = board.edits.splice(0)
        return store.appendUpdates(fresh.map((update, i) => ({ roomId: 'r1', update, at: 100 + from + i })))
      }
      const firstSeqs = await write(0, 12)
      const snapshotDoc = docFrom(bytesOf(await store.readUpdateLog('r1')))
      const upToSeq = firstSeqs.at(-1)!
      await store.writeSnapshot('r1', Y.encodeStateAsUpdate(snapshotDoc), upToSeq)
      const laterSeqs = await write(12, 20)

      const content = await store.loadRoomContent('r1')
      expect(content?.snapshot?.upToSeq).toBe(upToSeq)
      expect(content?.updates.map((u) => u.seq)).toEqual(laterSeqs)
      const loaded = docFrom([content!.snapshot!.data, ...bytesOf(content!.updates)])
      expect(loaded.getMap('shapes').toJSON()).toEqual(board.doc.getMap('shapes').toJSON())
      expect(loaded.getText('notes').toString()).toBe(board.doc.getText('notes').toString())
      expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(board.doc))
    })

    it('RS5 a snapshot keeps of the updates it covers only the newest within its history share; later ones, timestamps and paging stay', async () => {
      await store.createRoom(room('r1', 50), new Uint8Array([0]))
      const tenBytes = (i: number) => new Uint8Array(10).fill(i)
      const seqs = await store.appendUpdates([1, 2, 3, 4, 5, 6].map((i) => ({ roomId: 'r1', update: tenBytes(i), at: 50 + i })))
      // A snapshot whose history share is 21 bytes keeps the two newest updates it covers (20 bytes).
      const snapshot = new Uint8Array(Math.round(20 / KEPT_HISTORY_SHARE) + 4).fill(0xff)
      await store.writeSnapshot('r1', snapshot, seqs[3]!)

      const log = await store.readUpdateLog('r1')
      expect(log.map((u) => [u.seq, u.at, u.update[0]])).toEqual([2, 3, 4, 5].map((i) => [seqs[i], 51 + i, i + 1]))
      expect(bytesOf(await store.readUpdateLog('r1', seqs[3]))).toEqual([tenBytes(5), tenBytes(6)])
      expect(await store.loadRoomContent('r1')).toEqual({ snapshot: { data: snapshot, upToSeq: seqs[3] }, updates: log.slice(2) })
    })

    it('RS5 a snapshot smaller than the updates it covers keeps none of them, and a later one folds what the earlier kept', async () => {
      await store.createRoom(room('r1'), new Uint8Array([0]))
      const seqs = await store.appendUpdates([1, 2, 3].map((i) => ({ roomId: 'r1', update: new Uint8Array(40).fill(i), at: i })))
      await store.writeSnapshot('r1', new Uint8Array(4), seqs[1]!)
      expect((await store.readUpdateLog('r1')).map((u) => u.seq)).toEqual([seqs[2]])
      await store.writeSnapshot('r1', new Uint8Array(Math.ceil(40 / KEPT_HISTORY_SHARE)), seqs[2]!)
      expect((await store.readUpdateLog('r1')).map((u) => u.seq)).toEqual([seqs[2]])
      await store.writeSnapshot('r1', new Uint8Array(4), seqs[2]!)
      expect(await store.readUpdateLog('r1')).toEqual([])
    })

    it('RS5 after a snapshot folded the whole log, new updates still come after the snapshot', async () => {
      await store.createRoom(room('r1'), new Uint8Array([0]))
      const seqs = await store.appendUpdates([1, 2].map((i) => ({ roomId: 'r1', update: new Uint8Array(40).fill(i), at: i })))
      await store.writeSnapshot('r1', new Uint8Array(4), seqs[1]!)
      expect(await store.readUpdateLog('r1')).toEqual([])
      const [later = 0] = await store.appendUpdates([{ roomId: 'r1', update: new Uint8Array([9]), at: 9 }])
      expect(later).toBeGreaterThan(seqs[1]!)
      expect(await store.loadRoomContent('r1')).toEqual({
        snapshot: { data: new Uint8Array(4), upToSeq: seqs[1] },
        updates: [{ seq: later, at: 9, update: new Uint8Array([9]) }],
      })
    })

    it('RS5 a snapshot older than the stored one neither replaces it nor folds the log', async () => {
      await store.createRoom(room('r1'), new Uint8Array([0]))
      const seqs = await store.appendUpdates([1, 2].map((i) => ({ roomId: 'r1', update: new Uint8Array([i]), at: i })))
      await store.writeSnapshot('r1', new Uint8Array(12).fill(0xee), seqs[1]!)
      const log = await store.readUpdateLog('r1')
      expect(log).toHaveLength(3)
      await store.writeSnapshot('r1', new Uint8Array([0xdd]), seqs[0]!)
      expect((await store.loadRoomContent('r1'))?.snapshot).toEqual({ data: new Uint8Array(12).fill(0xee), upToSeq: seqs[1] })
      expect(await store.readUpdateLog('r1')).toEqual(log)
    })

    it('RS5 folding one room leaves the log of another untouched', async () => {
      await store.createRoom(room('a'), new Uint8Array([0xa0]))
      await store.createRoom(room('b'), new Uint8Array([0xb0]))
      const seqs = await store.appendUpdates(['a', 'b', 'a', 'b'].map((roomId, i) => ({ roomId, update: new Uint8Array(8).fill(i), at: i })))
      await store.writeSnapshot('a', new Uint8Array(1), seqs[3]!)
      expect(await store.readUpdateLog('a')).toEqual([])
      expect((await store.readUpdateLog('b')).map((u) => u.update[0])).toEqual([0xb0, 1, 3])
    })

    it('RS6 rotating one role link bumps only that generation', async () => {
      await store.createRoom(room('r1'), new Uint8Array([0]))
      await store.setLinkGeneration('r1', 'candidate', 3)
      await store.setLinkGeneration('r1', 'reviewer', 2)
      expect((await store.getRoom('r1'))?.linkGenerations).toEqual({ interviewer: 1, candidate: 3, reviewer: 2 })
    })

    it('RS7 every byte value round-trips exactly and stored bytes are immune to caller mutation', async () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      const big = Uint8Array.from({ length: 1 << 16 }, (_, i) => (i * 31) & 0xff)
      const seed = all.slice()
      await store.createRoom(room('r1'), seed)
      const update = big.slice()
      await store.appendUpdates([{ roomId: 'r1', update, at: 1 }])
      const snapshot = all.slice().reverse()
      await store.writeSnapshot('r1', snapshot, 0)
      seed.fill(0)
      update.fill(0)
      snapshot.fill(0)

      const first = await store.loadRoomContent('r1')
      const expected = { snapshot: fingerprint(all.slice().reverse()), updates: [all, big].map(fingerprint) }
      const fingerprints = (c: typeof first) => ({ snapshot: fingerprint(c?.snapshot?.data), updates: c?.updates.map((u) => fingerprint(u.update)) })
      expect(fingerprints(first)).toEqual(expected)
      first!.updates[0]!.update.fill(0)
      first!.snapshot!.data.fill(0)
      expect(fingerprints(await store.loadRoomContent('r1'))).toEqual(expected)
    })

    it('RS8 a reopened store holds rooms, updates, snapshots and generations', async (ctx) => {
      if (!opened.reopen) return ctx.skip()
      const board = recordedBoard()
      await store.createRoom(room('r1', 7), board.seedUpdate)
      for (let i = 0; i < 5; i++) board.edit(i)
      const seqs = await store.appendUpdates(board.edits.map((update, i) => ({ roomId: 'r1', update, at: 10 + i })))
      await store.writeSnapshot('r1', Y.encodeStateAsUpdate(board.doc), seqs[2]!)
      await store.setLinkGeneration('r1', 'interviewer', 4)
      const before = { log: await store.readUpdateLog('r1'), content: await store.loadRoomContent('r1') }
      await store.close()

      store = await opened.reopen()
      expect(await store.getRoom('r1')).toEqual({ ...room('r1', 7), linkGenerations: { ...generations, interviewer: 4 } })
      expect(await store.readUpdateLog('r1')).toEqual(before.log)
      expect(await store.loadRoomContent('r1')).toEqual(before.content)
      const [next] = await store.appendUpdates([{ roomId: 'r1', update: new Uint8Array([1]), at: 99 }])
      expect(next).toBeGreaterThan(seqs.at(-1)!)
    })
  })
}
