import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { createTLSchema, type TLGeoShape } from '@tldraw/tlschema'
import { getRoomMeta, getRoomRecords, RoomMetaKey } from '../../lib/room-doc'
import { addFunctional, readFunctional, readTimer, setRequirementStatus, updateTimer } from '../../lib/room-doc/interview'
import { startTimer } from '../../lib/session'
import { CloseCode, MessageType } from '../../lib/sync/protocol'
import { readRecord, writeRoomRecord } from '../../lib/tldraw-binding'
import { geoShape } from '../../lib/tldraw-binding/testing'
import { createMemoryStore, docFromContent, type RoomStore } from '../store'
import { connectClient, eventually, startTestServer, tokenOf, type TestClient } from '../testing/harness'
import { migrateStoredRoomDoc } from './migrate'
import { STORED_REPLY_MIN_BYTES } from './stored-reply'
import { PING_GROUPS } from './sync-server'

type Server = Awaited<ReturnType<typeof startTestServer>>
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<Server> {
  const started = await startTestServer(options)
  cleanups.push(async () => {
    await started.stop().catch(() => undefined)
  })
  return started
}

function client(srv: Server, roomId: string, token: string | null): TestClient {
  const c = connectClient(srv.url, roomId, token)
  cleanups.push(() => c.destroy())
  return c
}

/** Opens a raw socket and resolves with the close code the server chose. */
function closeCodeFor(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('close', (code) => resolve(code))
    ws.on('error', reject)
  })
}

describe('sync server', () => {
  it('S1: two clients of one room converge, live', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const a = client(srv, roomId, tokenOf(links.interviewer))
    const b = client(srv, roomId, tokenOf(links.candidate))
    await Promise.all([a.synced, b.synced])
    a.doc.getMap('scratch').set('from-a', 1)
    b.doc.getMap('scratch').set('from-b', 2)
    await eventually(() => {
      expect(a.doc.getMap('scratch').toJSON()).toEqual({ 'from-a': 1, 'from-b': 2 })
      expect(b.doc.getMap('scratch').toJSON()).toEqual({ 'from-a': 1, 'from-b': 2 })
    })
  })

  it('S2: the server seeds the room; a client that joins later gets the full state', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom('Design a chat service')
    const a = client(srv, roomId, tokenOf(links.interviewer))
    await a.synced
    expect(getRoomMeta(a.doc).get(RoomMetaKey.title)).toBe('Design a chat service')
    expect(getRoomRecords(a.doc).size).toBeGreaterThanOrEqual(2)
    a.doc.getMap('scratch').set('shape', 'box')
    await eventually(() => expect(srv.sync.registry.loadedCount).toBe(1))
    const late = client(srv, roomId, tokenOf(links.candidate))
    await late.synced
    await eventually(() => expect(late.doc.getMap('scratch').get('shape')).toBe('box'))
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(a.doc))
  })

  it('S3: refuses a missing token (4401), a wrong token (4403) and an unknown room (4404), creating nothing', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    expect(await closeCodeFor(`${srv.url}/${roomId}`)).toBe(CloseCode.noToken)
    expect(await closeCodeFor(`${srv.url}/${roomId}?token=not-the-token`)).toBe(CloseCode.forbidden)
    const unknown = 'A'.repeat(24)
    // A token signed for a room the store does not have (e.g. one deleted): 4404.
    const signed = srv.tokens.tokenFor({ roomId: unknown, createdAt: 0, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } }, 'candidate')
    expect(await closeCodeFor(`${srv.url}/${unknown}?token=${signed}`)).toBe(CloseCode.notFound)
    // A wrong token tells nothing of whether the room exists: 4403 for both.
    expect(await closeCodeFor(`${srv.url}/${unknown}?token=whatever`)).toBe(CloseCode.forbidden)
    expect(await closeCodeFor(`${srv.url}/${unknown}?token=${tokenOf(links.candidate)}`)).toBe(CloseCode.forbidden)
    expect(await closeCodeFor(`${srv.url}/${roomId}?token=${signed}`)).toBe(CloseCode.forbidden)
    expect(await closeCodeFor(`${srv.url}/not-a-room-id?token=x`)).toBe(CloseCode.notFound)
    expect(await srv.store.getRoom(unknown)).toBeNull()
  })

  it('S4: a stock y-websocket client with a bad token stops retrying', async () => {
    const srv = await server()
    const { roomId } = await srv.createRoom()
    const c = client(srv, roomId, 'wrong')
    await eventually(() => expect(c.closeCodes).toContain(CloseCode.forbidden))
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(c.closeCodes).toEqual([CloseCode.forbidden])
  })

  it('S5: a server restarted on the same DATA_DIR serves the same content', async () => {
    const first = await startTestServer()
    const { roomId, links } = await first.createRoom()
    const a = connectClient(first.url, roomId, tokenOf(links.interviewer))
    await a.synced
    for (let i = 0; i < 50; i++) a.doc.getMap('scratch').set(`k${i}`, i)
    const expected = a.doc.getMap('scratch').toJSON()
    await eventually(async () => expect((await first.store.readUpdateLog(roomId)).length).toBeGreaterThan(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    a.destroy()
    await first.stop()

    const second = await server({ dataDir: first.dataDir, secret: first.secret })
    cleanups.push(() => first.removeData())
    const b = client(second, roomId, tokenOf(links.candidate))
    await b.synced
    expect(b.doc.getMap('scratch').toJSON()).toEqual(expected)
  })

  it('S6: a save check is answered only once everything sent before it is stored', async () => {
    // A slow disk: writes take 150 ms, so an answer sent before the write would arrive first.
    const real = createMemoryStore()
    const slow: RoomStore = Object.assign(Object.create(real) as RoomStore, {
      appendUpdates: async (updates: Parameters<RoomStore['appendUpdates']>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 150))
        return real.appendUpdates(updates)
      },
    })
    const srv = await server({ store: slow })
    const { roomId, links } = await srv.createRoom()
    const ws = new WebSocket(`${srv.url}/${roomId}?token=${tokenOf(links.interviewer)}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const answers: Array<{ check: number; storedUpdates: Promise<number> }> = []
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) !== MessageType.saveCheck) return
      answers.push({ check: decoding.readVarUint(decoder), storedUpdates: real.readUpdateLog(roomId).then((log) => log.length) })
    })
    const local = new Y.Doc()
    local.getMap('scratch').set('saved', 'yes')
    const update = encoding.createEncoder()
    encoding.writeVarUint(update, MessageType.sync)
    encoding.writeVarUint(update, 2)
    encoding.writeVarUint8Array(update, Y.encodeStateAsUpdate(local))
    ws.send(encoding.toUint8Array(update))
    const check = encoding.createEncoder()
    encoding.writeVarUint(check, MessageType.saveCheck)
    encoding.writeVarUint(check, 7)
    ws.send(encoding.toUint8Array(check))
    await eventually(() => expect(answers.map((a) => a.check)).toEqual([7]))
    expect(await answers[0]?.storedUpdates).toBe(2)
    const stored = new Y.Doc()
    for (const { update: u } of await real.readUpdateLog(roomId)) Y.applyUpdate(stored, u)
    expect(stored.getMap('scratch').get('saved')).toBe('yes')
    ws.close()
  })

  it('S7: a reviewer receives the room but its updates are never applied or stored', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const reviewer = client(srv, roomId, tokenOf(links.reviewer))
    const candidate = client(srv, roomId, tokenOf(links.candidate))
    await Promise.all([reviewer.synced, candidate.synced])
    const logBefore = (await srv.store.readUpdateLog(roomId)).length
    reviewer.doc.getMap('scratch').set('vandal', true)
    candidate.doc.getMap('scratch').set('legit', true)
    await eventually(() => expect(reviewer.doc.getMap('scratch').get('legit')).toBe(true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(candidate.doc.getMap('scratch').get('vandal')).toBeUndefined()
    expect((await srv.store.readUpdateLog(roomId)).length).toBe(logBefore + 1)
  })

  it('S8: awareness entries of a connection are removed when it closes', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const a = client(srv, roomId, tokenOf(links.interviewer))
    const b = client(srv, roomId, tokenOf(links.candidate))
    await Promise.all([a.synced, b.synced])
    b.provider.awareness.setLocalStateField('user', { name: 'Sam' })
    await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(true))
    b.provider.ws?.close()
    b.provider.shouldConnect = false
    await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(false))
  })

  it('S9: a malformed frame closes only that connection; the room and its other clients go on', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const a = client(srv, roomId, tokenOf(links.interviewer))
    await a.synced
    const bad = new WebSocket(`${srv.url}/${roomId}?token=${tokenOf(links.candidate)}`)
    const code = new Promise<number>((resolve) => bad.on('close', (c) => resolve(c)))
    await new Promise((resolve) => bad.on('open', resolve))
    bad.send(new Uint8Array([0, 2, 0xff, 0xff, 0xff]))
    expect(await code).toBe(CloseCode.badMessage)
    a.doc.getMap('scratch').set('still', 'working')
    const b = client(srv, roomId, tokenOf(links.candidate))
    await eventually(() => expect(b.doc.getMap('scratch').get('still')).toBe('working'))
  })

  it('S10: an empty room unloads after its last client leaves, with a snapshot, and reloads on demand', async () => {
    const srv = await server({ unloadAfterMs: 30 })
    const { roomId, links } = await srv.createRoom()
    const a = connectClient(srv.url, roomId, tokenOf(links.interviewer))
    await a.synced
    a.doc.getMap('scratch').set('kept', 1)
    await eventually(async () => expect((await srv.store.readUpdateLog(roomId)).length).toBe(2))
    a.destroy()
    await eventually(() => expect(srv.sync.registry.loadedCount).toBe(0))
    const content = await srv.store.loadRoomContent(roomId)
    expect(content?.snapshot).not.toBeNull()
    const b = client(srv, roomId, tokenOf(links.candidate))
    await b.synced
    await eventually(() => expect(b.doc.getMap('scratch').get('kept')).toBe(1))
  })
})

describe('clock probe', () => {
  it('S11: answers a time probe with the probe time and the server clock', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const ws = new WebSocket(`${srv.url}/${roomId}?token=${tokenOf(links.candidate)}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const reply = new Promise<[number, number]>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data))
        if (decoding.readVarUint(decoder) === MessageType.time) resolve([decoding.readFloat64(decoder), decoding.readFloat64(decoder)])
      }),
    )
    const probe = encoding.createEncoder()
    encoding.writeVarUint(probe, MessageType.time)
    encoding.writeFloat64(probe, 1234.5)
    const before = Date.now()
    ws.send(encoding.toUint8Array(probe))
    const [echo, serverNow] = await reply
    expect(echo).toBe(1234.5)
    expect(serverNow).toBeGreaterThanOrEqual(before)
    expect(serverNow).toBeLessThanOrEqual(Date.now())
    ws.close()
  })
})

describe('private notes document', () => {
  it('S12: only an interviewer opens <roomId>/private; candidates and reviewers get 4403 and no byte of it', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const interviewer = client(srv, `${roomId}/private`, tokenOf(links.interviewer))
    await interviewer.synced
    interviewer.doc.getMap('notes').set('secret', 'weak on scaling')
    await eventually(async () => expect((await srv.store.readUpdateLog(`${roomId}/private`)).length).toBe(2))
    for (const role of ['candidate', 'reviewer'] as const) {
      const received: Buffer[] = []
      const ws = new WebSocket(`${srv.url}/${roomId}/private?token=${tokenOf(links[role])}`)
      ws.on('message', (data: Buffer) => received.push(data))
      expect(await new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))).toBe(CloseCode.forbidden)
      expect(received).toEqual([])
    }
    const shared = client(srv, roomId, tokenOf(links.candidate))
    await shared.synced
    expect(JSON.stringify(shared.doc.toJSON())).not.toContain('weak on scaling')
  })

  it('S13: a replaced link closes the connections made with it and opens nothing afterwards', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const candidate = client(srv, roomId, tokenOf(links.candidate))
    await candidate.synced
    const stored = await srv.store.getRoom(roomId)
    if (!stored) throw new Error('no room')
    await srv.store.setLinkGeneration(roomId, 'candidate', stored.linkGenerations.candidate + 1)
    srv.sync.closeRole(roomId, 'candidate')
    await eventually(() => expect(candidate.closeCodes).toContain(CloseCode.forbidden))
    expect(await closeCodeFor(`${srv.url}/${roomId}?token=${tokenOf(links.candidate)}`)).toBe(CloseCode.forbidden)
  })
})

describe('interviewer-only parts of the room document', () => {
  it('S14: a candidate may edit the scope, but a change to the timer or a decision is refused (4403) and never stored', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const interviewer = client(srv, roomId, tokenOf(links.interviewer))
    const candidate = client(srv, roomId, tokenOf(links.candidate))
    await Promise.all([interviewer.synced, candidate.synced])

    // Allowed: the candidate proposes a requirement; the interviewer sees it and agrees.
    const id = addFunctional(candidate.doc, 'Grace', 'Shorten a URL')
    await eventually(() => expect(readFunctional(interviewer.doc).map((r) => r.id)).toEqual([id]))
    expect(setRequirementStatus(interviewer.doc, 'functional', id, 'agreed', { name: 'Ada', role: 'interviewer' }, 1)).toBeNull()
    await eventually(() => expect(readFunctional(candidate.doc)[0]?.status).toBe('agreed'))
    await eventually(async () => expect(await srv.store.readUpdateLog(roomId)).toHaveLength(3)) // seed, proposal, agreement
    const logBefore = await srv.store.readUpdateLog(roomId)

    // Refused: the candidate's client reopens the requirement and starts the timer.
    candidate.doc.transact(() => {
      candidate.doc.getMap<Y.Map<unknown>>('functional').get(id)!.set('status', 'out-of-scope')
      updateTimer(candidate.doc, (timer) => startTimer(timer, 1_000))
    })
    await eventually(() => expect(candidate.closeCodes).toContain(CloseCode.forbidden))
    candidate.provider.disconnect()
    // The interviewer's connection goes on, and nothing of the refused change reached it or the store.
    interviewer.doc.getMap('checklist').set('scope.functional', { by: 'Ada', at: 2 })
    await eventually(async () => expect(await srv.store.readUpdateLog(roomId)).toHaveLength(logBefore.length + 1))
    expect(readFunctional(interviewer.doc)[0]?.status).toBe('agreed')
    expect(readTimer(interviewer.doc).status).toBe('not-started')
    const fresh = client(srv, roomId, tokenOf(links.reviewer))
    await fresh.synced
    expect(readFunctional(fresh.doc)[0]?.status).toBe('agreed')
    expect(readTimer(fresh.doc)).toEqual(readTimer(interviewer.doc))
  })

  it('S15: the interviewer changes the timer, the plan and the title', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const interviewer = client(srv, roomId, tokenOf(links.interviewer))
    const candidate = client(srv, roomId, tokenOf(links.candidate))
    await Promise.all([interviewer.synced, candidate.synced])
    updateTimer(interviewer.doc, (timer) => startTimer(timer, 1_000))
    getRoomMeta(interviewer.doc).set(RoomMetaKey.title, 'Design a paste bin')
    await eventually(() => expect(readTimer(candidate.doc)).toEqual(readTimer(interviewer.doc)))
    await eventually(() => expect(getRoomMeta(candidate.doc).get(RoomMetaKey.title)).toBe('Design a paste bin'))
    expect(interviewer.closeCodes).toEqual([])
  })
})

/** Makes a created, never loaded room large enough to be answered from the store, as one snapshot. */
async function storeLargeSnapshot(store: RoomStore, roomId: string, change: (doc: Y.Doc) => void = () => undefined): Promise<Y.Doc> {
  const content = await store.loadRoomContent(roomId)
  const { doc } = docFromContent(content!)
  doc.transact(() => {
    doc.getMap('scratch').set('bulk', 'x'.repeat(STORED_REPLY_MIN_BYTES))
    change(doc)
  })
  await store.writeSnapshot(roomId, Y.encodeStateAsUpdate(doc), content!.updates.at(-1)!.seq)
  return doc
}

/** A geo shape with a plain `text` prop under a geo schema of version 9, as an older tldraw wrote it. */
function writeAsOldTldraw(doc: Y.Doc): void {
  const current = createTLSchema().serialize()
  getRoomMeta(doc).set(RoomMetaKey.tldrawSchema, { ...current, sequences: { ...current.sequences, 'com.tldraw.shape.geo': 9 } })
  const { richText: _richText, ...props } = geoShape('old').props
  const old = { ...geoShape('old'), props: { ...props, text: 'Cache' } }
  writeRoomRecord(getRoomRecords(doc), old)
}

/** A bare client that asks for the whole document as it opens and keeps the sync frames it receives, in order. */
function askForEverything(url: string) {
  const frames: Array<{ syncType: number; update: Uint8Array }> = []
  const ws = new WebSocket(url)
  cleanups.push(() => ws.terminate())
  ws.on('open', () => ws.send(new Uint8Array([MessageType.sync, 0, 1, 0])))
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(decoder) !== MessageType.sync) return
    const syncType = decoding.readVarUint(decoder)
    if (syncType !== 0) frames.push({ syncType, update: decoding.readVarUint8Array(decoder) })
  })
  /** The document of the frames received so far, up to and including sync step 2 when `untilStep2`. */
  const doc = (untilStep2 = false) => {
    const received = new Y.Doc()
    const step2 = frames.findIndex((f) => f.syncType === 1)
    for (const { update } of untilStep2 ? frames.slice(0, step2 + 1) : frames) Y.applyUpdate(received, update)
    return received
  }
  const step2 = eventually(() => expect(frames.some((f) => f.syncType === 1)).toBe(true))
  return { frames, doc, step2 }
}

describe('cold rooms', () => {
  it('S16: a new client of a large cold room gets the stored room first, then the migration its load made, as an update', async () => {
    const srv = await server({ prepareDoc: migrateStoredRoomDoc })
    const { roomId, links } = await srv.createRoom()
    await storeLargeSnapshot(srv.store, roomId, writeAsOldTldraw)
    const c = askForEverything(`${srv.url}/${roomId}?token=${tokenOf(links.candidate)}`)
    await c.step2

    // Sync step 2 holds the room as stored, before its document was built and migrated.
    const shapeIn = (doc: Y.Doc) => readRecord<TLGeoShape>(getRoomRecords(doc).get('shape:old')!)
    expect(shapeIn(c.doc(true))?.props).toHaveProperty('text', 'Cache')
    await eventually(() => expect(shapeIn(c.doc())?.props).not.toHaveProperty('text'))
    const room = srv.sync.registry.loadedRoom(roomId)!
    await room.settled()
    const received = c.doc()
    expect(shapeIn(received)?.props).toHaveProperty('richText')
    expect(getRoomMeta(received).get(RoomMetaKey.tldrawSchema)).toEqual(createTLSchema().serialize())
    expect(Y.encodeStateVector(received)).toEqual(Y.encodeStateVector(room.doc))
    expect(Y.encodeStateAsUpdate(received)).toEqual(Y.encodeStateAsUpdate(room.doc))
  })

  it('S17: a large cold room with updates after its snapshot sends them, merged, before the snapshot as sync step 2', async () => {
    const srv = await server()
    const { roomId, links } = await srv.createRoom()
    const doc = await storeLargeSnapshot(srv.store, roomId)
    const later: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => later.push(update))
    doc.getMap('scratch').set('bulk', 'replaced')
    doc.getMap('scratch').set('after', 1)
    await srv.store.appendUpdates(later.map((update) => ({ roomId, update, at: Date.now() })))
    const c = askForEverything(`${srv.url}/${roomId}?token=${tokenOf(links.candidate)}`)
    await c.step2

    expect(c.frames.map((f) => f.syncType).slice(0, 2)).toEqual([2, 1])
    const atStep2 = c.doc(true)
    expect(atStep2.getMap('scratch').toJSON()).toEqual({ bulk: 'replaced', after: 1 })
    expect(atStep2.store.pendingStructs).toBeNull()
    const stored = docFromContent((await srv.store.loadRoomContent(roomId))!).doc
    expect(Y.encodeStateVector(atStep2)).toEqual(Y.encodeStateVector(stored))
  })
})


/** A new room with an interviewer (a) and a candidate (b) synced, once it holds no Y.Doc; `builds` is its Y.Doc count then. */
async function roomWithoutDoc(options: Parameters<typeof startTestServer>[0]) {
  const srv = await server(options)
  const { roomId, links } = await srv.createRoom()
  const a = client(srv, roomId, tokenOf(links.interviewer))
  const b = client(srv, roomId, tokenOf(links.candidate))
  await Promise.all([a.synced, b.synced])
  const room = () => srv.sync.registry.loadedRoom(roomId)!
  await eventually(() => expect(room().hibernating).toBe(true))
  return { srv, roomId, links, a, b, room, builds: room().counts.docBuilds }
}

describe('rooms without a Y.Doc', () => {
  it('S18: a loaded room keeps an outline instead of a Y.Doc, takes ordinary changes through it, and builds the document only for what it cannot vouch for', async () => {
    const { srv, roomId, links, a, b, room, builds } = await roomWithoutDoc({ hibernateAfterMs: 80, snapshotEvery: 5 })

    // Ordinary changes from both roles: relayed, stored, and no Y.Doc is built.
    for (let i = 0; i < 12; i++) {
      a.doc.getMap('scratch').set(`a${i}`, i)
      b.doc.getMap('scratch').set(`b${i}`, i)
    }
    addFunctional(b.doc, 'Grace', 'Shorten a URL')
    await eventually(() => expect(a.doc.getMap('scratch').get('b11')).toBe(11))
    await eventually(() => expect(b.doc.getMap('scratch').get('a11')).toBe(11))
    await eventually(() => expect(readFunctional(a.doc)).toHaveLength(1))
    expect(room().hibernating).toBe(true)
    expect(room().counts.docBuilds).toBe(builds)
    expect(room().counts.throughOutline).toBeGreaterThanOrEqual(25)

    // A newcomer with nothing gets the whole room, with the changes merged in.
    const c = client(srv, roomId, tokenOf(links.reviewer))
    await c.synced
    expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(a.doc))
    expect(room().hibernating).toBe(true)

    // What the candidate may not write: the document decides, and refuses it.
    getRoomMeta(b.doc).set(RoomMetaKey.title, 'not yours')
    await eventually(() => expect(b.closeCodes).toContain(CloseCode.forbidden))
    expect(room().counts.docBuilds).toBe(builds + 1)
    expect(getRoomMeta(a.doc).get(RoomMetaKey.title)).not.toBe('not yours')
    // The Y.Doc goes again after hibernateAfterMs.
    await eventually(() => expect(room().hibernating).toBe(true))

    // A client that reconnects with part of the room gets what it lacks.
    a.provider.disconnect()
    const d = client(srv, roomId, tokenOf(links.interviewer))
    await d.synced
    d.doc.getMap('scratch').set('while a was away', 3)
    await eventually(() => expect(c.doc.getMap('scratch').get('while a was away')).toBe(3))
    a.provider.connect()
    await eventually(() => expect(a.doc.getMap('scratch').get('while a was away')).toBe(3))
    expect(room().hibernating).toBe(true)

    // What is stored (snapshots merged from the encoding, then the log) is what the clients hold.
    await room().settled()
    await room().snapshotIfStale()
    const stored = docFromContent((await srv.store.loadRoomContent(roomId))!).doc
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.doc))
    expect(stored.getMap('scratch').toJSON()).toEqual(a.doc.getMap('scratch').toJSON())
    expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(a.doc))
  })
})

describe('snapshots off the event loop', () => {
  it('S20: a room without a Y.Doc has its snapshots folded by the compactor while changes keep coming; nothing is lost, and what is stored is compact', async () => {
    const { srv, roomId, links, a, b, room, builds } = await roomWithoutDoc({ snapshotEvery: 8 })

    // Bursts of overwrites from both sides, so that folds run while later changes arrive.
    let burst = 0
    for (; burst < 300 && srv.sync.compactor.folded < 6; burst++) {
      for (let i = 0; i < 10; i++) {
        a.doc.getMap('scratch').set(`a${i}`, { burst, padding: 'x'.repeat(200) })
        b.doc.getMap('scratch').set(`b${i}`, { burst, padding: 'y'.repeat(200) })
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const last = burst - 1
    await eventually(() => expect((a.doc.getMap('scratch').get('b9') as { burst: number }).burst).toBe(last))
    await eventually(() => expect((b.doc.getMap('scratch').get('a9') as { burst: number }).burst).toBe(last))
    expect(srv.sync.compactor.folded).toBeGreaterThanOrEqual(6)
    expect(room().counts.docBuilds).toBe(builds)

    // A newcomer gets everything, from an encoding the folds replaced on the way.
    const c = client(srv, roomId, tokenOf(links.reviewer))
    await c.synced
    expect(c.doc.getMap('scratch').toJSON()).toEqual(a.doc.getMap('scratch').toJSON())

    await room().settled()
    await room().snapshotIfStale()
    const content = (await srv.store.loadRoomContent(roomId))!
    expect(content.updates).toHaveLength(0)
    const stored = docFromContent(content).doc
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.doc))
    expect(stored.getMap('scratch').toJSON()).toEqual(a.doc.getMap('scratch').toJSON())
    // Hundreds of overwrites of ~200 bytes each: a merged encoding would keep them all.
    expect(content.snapshot!.data.byteLength).toBeLessThanOrEqual(Y.encodeStateAsUpdate(a.doc).byteLength)
  })
})

describe('keepalive', () => {
  it('S19: pings go out in groups spread over the interval; a connection that stops answering is closed, the others stay', async () => {
    const pingIntervalMs = 600
    const srv = await server({ pingIntervalMs, maxConnectionsPerRoom: 100 })
    const { roomId, links } = await srv.createRoom()
    const url = `${srv.url}/${roomId}?token=${tokenOf(links.interviewer)}`
    const open = (autoPong: boolean) => {
      const ws = new WebSocket(url, { autoPong })
      cleanups.push(() => ws.terminate())
      const pingedAt: number[] = []
      ws.on('ping', () => pingedAt.push(performance.now()))
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
      return { ws, pingedAt, closed }
    }
    const live = Array.from({ length: 2 * PING_GROUPS }, () => open(true))
    const silent = open(false)
    await Promise.all([...live, silent].map(({ ws }) => new Promise((resolve) => ws.on('open', resolve))))

    // The silent one is pinged once, misses it, and is closed at its group's next turn.
    expect(await silent.closed).toBe(1006)
    await new Promise((resolve) => setTimeout(resolve, pingIntervalMs))
    for (const { ws, pingedAt } of live) {
      expect(ws.readyState).toBe(WebSocket.OPEN)
      expect(pingedAt.length).toBeGreaterThanOrEqual(1)
    }
    // Each connection's first ping: spread over most of an interval, not sent in one turn.
    const firsts = live.map(({ pingedAt }) => pingedAt[0]!).sort((a, b) => a - b)
    expect(firsts.at(-1)! - firsts[0]!).toBeGreaterThan(pingIntervalMs / 2)
    expect(new Set(firsts.map((t) => Math.round(t / (pingIntervalMs / PING_GROUPS)))).size).toBeGreaterThan(PING_GROUPS / 2)
  })
})
