import { createTLSchema, type TLGeoShape } from '@tldraw/tlschema'
import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRoomMeta, getRoomRecords, RoomMetaKey } from '../../lib/room-doc'
import { MessageType } from '../../lib/sync/protocol'
import { readRecord, writeRoomRecord } from '../../lib/tldraw-binding'
import { geoShape } from '../../lib/tldraw-binding/testing'
import { createRoom } from '../rooms/rooms'
import { RoomTokens } from '../rooms/tokens'
import { createMemoryStore, docFromContent, type RoomStore } from '../store'
import { migrateStoredRoomDoc } from './migrate'
import { RoomRegistry } from './registry'
import { STORED_REPLY_MIN_BYTES } from './stored-reply'
import { stateVectorFrame, updateFrame } from './test-frames'
import { WriteQueue } from './write-queue'

function setup(unloadAfterMs = 20) {
  const store = createMemoryStore()
  const tokens = new RoomTokens(Buffer.from('x'.repeat(32)))
  const registry = new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs, snapshotEvery: 3 })
  return { store, registry, create: () => createRoom(store, tokens, { title: 'T' }, 'http://localhost') }
}

/** A few turns of the event loop: long enough for a snapshot the room started to be stored. */
async function afterTurns(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve))
}

const peer = () => ({ role: 'candidate' as const, awarenessIds: new Set<number>(), socket: { send: () => undefined, close: () => undefined } })

/**
 * Rewrites a created room as an older tldraw left it: a geo shape with a plain `text` prop
 * (geo version 9), all of it in a snapshot that covers the whole log.
 */
async function storeAsOldTldraw(store: RoomStore, roomId: string): Promise<void> {
  const content = await store.loadRoomContent(roomId)
  const { doc } = docFromContent(content!)
  const current = createTLSchema().serialize()
  const { richText: _richText, ...props } = geoShape('old').props
  const old = { ...geoShape('old'), props: { ...props, text: 'Cache' } }
  doc.transact(() => {
    getRoomMeta(doc).set(RoomMetaKey.tldrawSchema, { ...current, sequences: { ...current.sequences, 'com.tldraw.shape.geo': 9 } })
    writeRoomRecord(getRoomRecords(doc), old)
  })
  await store.writeSnapshot(roomId, Y.encodeStateAsUpdate(doc), content!.updates.at(-1)!.seq)
}

/** What a new client (one with nothing) receives as sync step 2, as a document. */
async function askForEverything(room: NonNullable<Awaited<ReturnType<RoomRegistry['open']>>>): Promise<Y.Doc> {
  const frames: Uint8Array[] = []
  const asking = { role: 'candidate' as const, awarenessIds: new Set<number>(), socket: { send: (f: Uint8Array) => frames.push(f), close: () => undefined } }
  room.join(asking)
  room.receive(asking, stateVectorFrame(Y.encodeStateVector(new Y.Doc())))
  await room.settled()
  const doc = new Y.Doc()
  for (const frame of frames) {
    const decoder = decoding.createDecoder(frame)
    if (decoding.readVarUint(decoder) !== MessageType.sync || decoding.readVarUint(decoder) !== 1) continue
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
  }
  return doc
}

describe('room registry', () => {
  it('R1: concurrent opens of one room share one load and one document', async () => {
    const { registry, create } = setup()
    const { roomId } = await create()
    const [a, b, c] = await Promise.all([registry.open(roomId), registry.open(roomId), registry.open(roomId)])
    expect(a).not.toBeNull()
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(registry.loadedCount).toBe(1)
  })

  it('R2: an unknown room opens as null and is not created', async () => {
    const { registry, store } = setup()
    expect(await registry.open('B'.repeat(24))).toBeNull()
    expect(await store.getRoom('B'.repeat(24))).toBeNull()
    expect(registry.loadedCount).toBe(0)
  })

  it('R3: a room unloads after its last connection leaves and a later open loads it afresh', async () => {
    const { registry, create } = setup()
    const { roomId } = await create()
    const room = await registry.open(roomId)
    const p = peer()
    expect(room?.join(p)).toBe(true)
    room?.leave(p)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(registry.loadedCount).toBe(0)
    expect(room?.join(peer())).toBe(false)
    const again = await registry.open(roomId)
    expect(again).not.toBe(room)
  })

  it('R4: a room that is joined again before the unload delay stays loaded', async () => {
    const { registry, create } = setup(60)
    const { roomId } = await create()
    const room = await registry.open(roomId)
    const p = peer()
    room?.join(p)
    room?.leave(p)
    const reopened = await registry.open(roomId)
    reopened?.join(peer())
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(reopened).toBe(room)
    expect(registry.loadedCount).toBe(1)
  })

  it('R5: two rooms opened at once load into separate documents', async () => {
    const { registry, create } = setup()
    const first = await create()
    const second = await create()
    const [a, b] = await Promise.all([registry.open(first.roomId), registry.open(second.roomId)])
    expect(a?.roomId).toBe(first.roomId)
    expect(b?.roomId).toBe(second.roomId)
    const doc = a?.doc as Y.Doc
    expect(doc).not.toBe(b?.doc)
  })

  it('R6: a room loaded from a snapshot that needed migrating gives a new client the migrated document, and stores the migration', async () => {
    const store = createMemoryStore()
    const tokens = new RoomTokens(Buffer.from('x'.repeat(32)))
    const { roomId } = await createRoom(store, tokens, { title: 'T' }, 'http://localhost')
    await storeAsOldTldraw(store, roomId)
    const registry = new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs: 20, snapshotEvery: 100, prepareDoc: migrateStoredRoomDoc })
    const room = await registry.open(roomId)

    const received = await askForEverything(room!)
    const shape = readRecord<TLGeoShape>(getRoomRecords(received).get('shape:old')!)
    expect(shape?.props).toHaveProperty('richText')
    expect(shape?.props).not.toHaveProperty('text')
    expect(getRoomMeta(received).get(RoomMetaKey.tldrawSchema)).toEqual(createTLSchema().serialize())
    const stored = docFromContent((await store.loadRoomContent(roomId))!).doc
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(received))
  })

  it('R7: a large cold room answers from the store only a client that has nothing, and loads whether or not its client speaks', async () => {
    const store = createMemoryStore()
    const { roomId } = await createRoom(store, new RoomTokens(Buffer.from('x'.repeat(32))), { title: 'T' }, 'http://localhost')
    const content = await store.loadRoomContent(roomId)
    const { doc } = docFromContent(content!)
    doc.getMap('scratch').set('bulk', 'x'.repeat(STORED_REPLY_MIN_BYTES))
    const snapshot = Y.encodeStateAsUpdate(doc)
    await store.writeSnapshot(roomId, snapshot, content!.updates.at(-1)!.seq)
    const registry = () => new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs: 20, snapshotEvery: 100 })
    const storeRead = () => new Promise((resolve) => setImmediate(resolve))
    const nothing = stateVectorFrame(Y.encodeStateVector(new Y.Doc()))

    const asked = registry()
    const askedRoom = asked.open(roomId)
    await storeRead()
    const reply = asked.answerBeforeLoad(roomId, nothing)
    expect(reply?.frames).toEqual([updateFrame(snapshot, true)])
    expect(asked.answerBeforeLoad(roomId, nothing)).toBeNull()
    expect(await askedRoom).not.toBeNull()

    const withState = registry()
    const withStateRoom = withState.open(roomId)
    await storeRead()
    expect(withState.answerBeforeLoad(roomId, stateVectorFrame(Y.encodeStateVector(doc)))).toBeNull()
    expect(await withStateRoom).not.toBeNull()

    expect(await registry().open(roomId)).not.toBeNull()
  })

  it('R8: a room loaded from a log longer than snapshots let pile up stores a snapshot at once', async () => {
    const { store, registry, create } = setup(60_000)
    const { roomId } = await create()
    const { doc } = docFromContent((await store.loadRoomContent(roomId))!)
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    // snapshotEvery 3: a room stores at most 4 updates after its snapshot.
    for (let n = 0; n < 6; n++) doc.transact(() => writeRoomRecord(getRoomRecords(doc), geoShape(`s${n}`)))
    const seqs = await store.appendUpdates(updates.map((update) => ({ roomId, update, at: Date.now() })))

    const room = await registry.open(roomId)
    await room!.settled()
    await afterTurns()

    const stored = await store.loadRoomContent(roomId)
    expect(stored?.snapshot?.upToSeq).toBe(seqs.at(-1))
    expect(stored?.updates.filter(({ seq }) => seq > seqs.at(-1)!)).toEqual([])
    expect(Y.encodeStateVector(docFromContent(stored!).doc)).toEqual(Y.encodeStateVector(doc))
  })

  it('R9: a room loaded from a short log leaves it to the next change or unload', async () => {
    const { store, registry, create } = setup(60_000)
    const { roomId } = await create()
    const room = await registry.open(roomId)
    await room!.settled()
    await afterTurns()
    expect((await store.loadRoomContent(roomId))?.snapshot).toBeNull()
  })
})
