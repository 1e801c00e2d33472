import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, MessageType, type Role } from '../../lib/sync/protocol'
import { createRoom } from '../rooms/rooms'
import { RoomTokens } from '../rooms/tokens'
import { createMemoryStore, type RoomStore } from '../store'
import { SYNC_LIMIT_DEFAULTS, type SyncLimits } from './limits'
import { RoomRegistry } from './registry'
import { broadcastFrame, ConnectionError, type Peer } from './room'
import { eventually } from '../testing/harness'
import { awarenessFrame, awarenessUpdate, scratchUpdate, stateVectorFrame, updateFrame } from './test-frames'
import { WriteQueue } from './write-queue'

/** A room driven through in-memory sockets; `stored` lists what the store holds, synchronously. */
async function setup(limits: Partial<SyncLimits> = {}) {
  const real = createMemoryStore()
  const stored: Uint8Array[] = []
  const store: RoomStore = Object.assign(Object.create(real) as RoomStore, {
    appendUpdates: async (updates: Parameters<RoomStore['appendUpdates']>[0]) => {
      const seqs = await real.appendUpdates(updates)
      stored.push(...updates.map(({ update }) => update))
      return seqs
    },
  })
  const { roomId } = await createRoom(store, new RoomTokens(Buffer.alloc(32, 1)), { title: 'T' }, 'http://localhost')
  const registry = new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs: 1000, snapshotEvery: 100, limits })
  const room = await registry.open(roomId)
  if (!room) throw new Error('no room')
  const connect = (role: Role = 'candidate') => {
    const received: Uint8Array[] = []
    const closes: number[] = []
    /** How many updates were stored when each frame arrived. */
    const storedAtReceipt: number[] = []
    const peer: Peer = {
      role,
      awarenessIds: new Set(),
      socket: {
        send: (data) => {
          received.push(data)
          storedAtReceipt.push(stored.length)
        },
        close: (code) => closes.push(code),
      },
    }
    room.join(peer)
    return { peer, received, closes, storedAtReceipt }
  }
  return { room, registry, store, stored, connect }
}

function closeCodeOf(run: () => void): number | null {
  try {
    run()
    return null
  } catch (error) {
    if (error instanceof ConnectionError) return error.code
    throw error
  }
}

const isUpdateFrame = (frame: Uint8Array) => frame[0] === MessageType.sync && frame[1] === 2

describe('room', () => {
  it('RM0: the frame an update is broadcast in is the sync update frame lib0 writes, for lengths around each varint step', () => {
    for (const length of [0, 1, 127, 128, 16_383, 16_384, 2_097_152]) {
      const update = new Uint8Array(length).map((_, i) => i % 251)
      expect(Buffer.from(broadcastFrame(update)).equals(Buffer.from(updateFrame(update)))).toBe(true)
    }
  })

  it('RM1: an exception while applying closes the sender (4400); what was integrated is stored before anyone receives it', async () => {
    const { room, stored, connect } = await setup()
    const sender = connect()
    const other = connect('interviewer')
    room.doc.getMap('scratch').observe(() => {
      throw new Error('an observer that throws')
    })
    const storedBefore = stored.length
    expect(closeCodeOf(() => room.receive(sender.peer, updateFrame(scratchUpdate('half', 'applied'))))).toBe(CloseCode.badMessage)
    await room.settled()
    expect(stored.length).toBe(storedBefore + 1)
    const delivered = other.received.findIndex(isUpdateFrame)
    expect(delivered).toBeGreaterThanOrEqual(0)
    expect(other.storedAtReceipt[delivered]).toBe(storedBefore + 1)
    expect(room.doc.store.pendingStructs).toBeNull()
  })

  it('RM2: presence frames are cheap against the rate limit; a request for the document costs its size', async () => {
    const { room, connect } = await setup()
    connect()
    const presence = awarenessFrame(awarenessUpdate(1, 1, '{"cursor":{"x":1}}'))
    expect(room.frameCost(presence)).toBeLessThan(0.1)
    expect(room.frameCost(updateFrame(scratchUpdate('k', 'v')))).toBe(1)
    const step1 = stateVectorFrame(Y.encodeStateVector(new Y.Doc()))
    expect(room.frameCost(step1)).toBe(2)
    room.doc.getMap('scratch').set('big', 'x'.repeat(SYNC_LIMIT_DEFAULTS.bytesPerMessage * 3))
    expect(room.frameCost(step1)).toBeGreaterThanOrEqual(4)
  })

  it('RM3: a reconnecting tab takes over its presence from its old connection, which then leaves without removing it', async () => {
    const { room, connect } = await setup()
    const watcher = connect('interviewer')
    const old = connect()
    room.receive(old.peer, awarenessFrame(awarenessUpdate(42, 1, '{"user":"Sam"}')))
    const fresh = connect()
    room.receive(fresh.peer, awarenessFrame(awarenessUpdate(42, 2, '{"user":"Sam"}')))
    room.leave(old.peer)
    expect(room.awareness.getStates().has(42)).toBe(true)
    room.leave(fresh.peer)
    expect(room.awareness.getStates().has(42)).toBe(false)
    expect(watcher.closes).toEqual([])
  })

  it('RM4: echoes of other clients\u2019 presence (as stock y-websocket clients send) do not count against a connection', async () => {
    const { room, connect } = await setup({ maxAwarenessClientsPerConnection: 1 })
    const echoing = connect()
    room.receive(echoing.peer, awarenessFrame(awarenessUpdate(7, 1, '{}')))
    for (let id = 100; id < 105; id++) {
      const other = connect()
      room.receive(other.peer, awarenessFrame(awarenessUpdate(id, 3, '{}')))
      room.receive(echoing.peer, awarenessFrame(awarenessUpdate(id, 3, '{}')))
    }
    expect(closeCodeOf(() => room.receive(echoing.peer, awarenessFrame(awarenessUpdate(8, 1, '{}'))))).toBe(CloseCode.badMessage)
  })

  it('RM5: closeRole closes only the connections of that role (4403)', async () => {
    const { room, connect } = await setup()
    const reviewer = connect('reviewer')
    const candidate = connect('candidate')
    room.closeRole('reviewer', CloseCode.forbidden, 'link replaced')
    expect(reviewer.closes).toEqual([CloseCode.forbidden])
    expect(candidate.closes).toEqual([])
  })

  it('RM6: a time probe is answered with the probe time and the server clock', async () => {
    const { room, connect } = await setup()
    const c = connect()
    const probe = Uint8Array.from([MessageType.time, 0x40, 0x29, 0, 0, 0, 0, 0, 0])
    room.receive(c.peer, probe)
    const reply = c.received.find((frame) => frame[0] === MessageType.time)
    const decoder = decoding.createDecoder(reply ?? new Uint8Array())
    decoding.readVarUint(decoder)
    expect(decoding.readFloat64(decoder)).toBe(12.5)
    expect(closeCodeOf(() => room.receive(c.peer, probe.subarray(0, 5)))).toBe(CloseCode.badMessage)
  })

  it('RM7: a room whose stored log holds changes that can never integrate loads without them, says so and snapshots without them', async () => {
    const store = createMemoryStore()
    const logs: string[] = []
    const { roomId } = await createRoom(store, new RoomTokens(Buffer.alloc(32, 1)), { title: 'T' }, 'http://localhost')
    const stranded = new Y.Doc()
    stranded.getMap('scratch').set('first', 1)
    const sv = Y.encodeStateVector(stranded)
    stranded.getMap('scratch').set('second', 2)
    await store.appendUpdates([{ roomId, update: Y.encodeStateAsUpdate(stranded, sv), at: Date.now() }])
    const registry = new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs: 1000, snapshotEvery: 100, log: (line) => logs.push(line) })
    const room = await registry.open(roomId)
    expect(room?.doc.store.pendingStructs).toBeNull()
    expect(room?.doc.getMap('scratch').get('second')).toBeUndefined()
    expect(logs.some((line) => line.includes(roomId) && line.includes('never integrate'))).toBe(true)
    // A fresh snapshot leaves them out of what later loads read (and send to new clients before building the document).
    await eventually(async () => {
      const content = await store.loadRoomContent(roomId)
      expect(content?.updates).toEqual([])
      const reloaded = new Y.Doc()
      Y.applyUpdate(reloaded, content!.snapshot!.data)
      expect(reloaded.store.pendingStructs).toBeNull()
    })
  })

  it('RM8: a client with nothing gets the whole document as stored, including changes and deletions since an earlier such request', async () => {
    const { room, connect } = await setup()
    const writer = connect('interviewer')
    const askForEverything = () => {
      const c = connect()
      room.receive(c.peer, stateVectorFrame(Y.encodeStateVector(new Y.Doc())))
      return c
    }
    const docFromStep2 = async (c: ReturnType<typeof connect>) => {
      await room.settled()
      const doc = new Y.Doc()
      for (const frame of c.received) if (frame[0] === MessageType.sync && frame[1] === 1) Y.applyUpdate(doc, readStep2(frame))
      return doc
    }
    const before = await docFromStep2(askForEverything())
    room.receive(writer.peer, updateFrame(scratchUpdate('late', 1)))
    await room.settled()
    const afterAdd = await docFromStep2(askForEverything())
    room.doc.getMap('scratch').delete('late')
    await room.settled()
    const afterDelete = await docFromStep2(askForEverything())

    expect(before.getMap('scratch').has('late')).toBe(false)
    expect(afterAdd.getMap('scratch').get('late')).toBe(1)
    expect(afterDelete.getMap('scratch').has('late')).toBe(false)
    expect(Y.encodeStateAsUpdate(afterDelete)).toEqual(Y.encodeStateAsUpdate(room.doc))
  })

  it('RM8: a room snapshots after about snapshotEvery stored updates, and the snapshot with the log after it rebuilds the room', async () => {
    const { room, store, connect } = await setup()
    const writer = connect()
    const other = connect('interviewer')
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc))
    client.on('update', (update: Uint8Array) => room.receive(writer.peer, updateFrame(update)))
    // snapshotEvery is 100, give or take a quarter.
    for (let i = 0; i < 130; i++) client.getMap('scratch').set('k', i)
    await room.settled()
    // The snapshot waits for a later turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve))
    await room.settled()
    const content = await store.loadRoomContent(room.roomId)
    expect(content?.snapshot).not.toBeNull()
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, content?.snapshot?.data ?? new Uint8Array())
    for (const { update } of content?.updates ?? []) Y.applyUpdate(rebuilt, update)
    expect(rebuilt.getMap('scratch').get('k')).toBe(129)
    expect(other.received.filter(isUpdateFrame)).toHaveLength(130)
  })
})

/** The update a sync step 2 frame carries. */
function readStep2(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame)
  decoding.readVarUint(decoder)
  decoding.readVarUint(decoder)
  return decoding.readVarUint8Array(decoder)
}
