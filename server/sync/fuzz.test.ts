import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { CloseCode, MessageType } from '../../lib/sync/protocol'
import { docFromContent } from '../store'
import { connectClient, eventually, startTestServer, tokenOf, type TestClient } from '../testing/harness'
import {
  awarenessFrame,
  randomEdit,
  saveCheckFrame,
  seededRandom,
  stateVectorFrame,
  updateFrame,
  type SeededRandom,
} from './test-frames'

/*
 * Seeded fuzzing of a live server: workers send malformed and random frames, one at a time,
 * each followed by a save check, so every frame is judged by the server (a closed connection
 * is replaced). Afterwards the server must still serve, a reference room must be exactly as
 * it was, and every fuzzed room's document must be what its stored log replays to.
 * A seed that ever fails stays below as a named regression.
 */

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Codes a fuzzed connection may be closed with: each names what was wrong with its frames. */
const EXPECTED_CLOSES = new Set<number>([CloseCode.badMessage, CloseCode.tooLarge, CloseCode.rateLimited, CloseCode.forbidden])

/** Valid frames of every kind, as material to mutate. */
function validFrames(random: SeededRandom): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  for (let i = 0; i < 60; i++) randomEdit(doc, random)
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState({ user: { name: 'Fuzz', color: '#f00' }, cursor: { x: 1, y: 2 } })
  const time = encoding.createEncoder()
  encoding.writeVarUint(time, MessageType.time)
  encoding.writeFloat64(time, 12.5)
  const frames = [
    ...updates.map((update) => updateFrame(update)),
    updateFrame(Y.encodeStateAsUpdate(doc), true),
    stateVectorFrame(Y.encodeStateVector(doc)),
    awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    saveCheckFrame(5),
    encoding.toUint8Array(time),
    Uint8Array.from([MessageType.queryAwareness]),
  ]
  awareness.destroy()
  return frames
}

function varuint(value: number): number[] {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, value)
  return [...encoding.toUint8Array(encoder)]
}

/** Small, so that oversized frames are cheap to send. */
const FUZZ_MAX_MESSAGE_BYTES = 16 * 1024
const HUGE = [2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, 0x7fffffff, 123_456_789]
const TYPES = [0, 1, 2, 3, 100, 101, 4, 127, 128, 255]

/** Kinds of frame the fuzzer sends; `harmless` ones cannot be a valid change of a document. */
const generators: Array<{ kind: string; harmless: boolean; make(random: SeededRandom, valid: Uint8Array[]): Uint8Array }> = [
  {
    kind: 'random bytes',
    harmless: true,
    make: (random) => random.bytes(random.int(10) === 0 ? 2000 : random.int(64)),
  },
  {
    kind: 'a valid sync header with a garbage payload',
    harmless: true,
    make: (random) => {
      const payload = random.bytes(8 + random.int(200))
      const length = random.int(4) === 0 ? random.pick(HUGE) : payload.length
      return Uint8Array.from([MessageType.sync, random.int(3), ...varuint(length), ...payload])
    },
  },
  {
    kind: 'random varints',
    harmless: true,
    make: (random) => {
      const bytes = [random.pick(TYPES)]
      for (let n = random.int(8); n > 0; n--) {
        // Overlong encodings too: a varint of 11 bytes exceeds 53 bits.
        if (random.int(8) === 0) bytes.push(...Array(random.int(12)).fill(0xff), random.int(128))
        else bytes.push(...varuint(random.int(4) === 0 ? random.pick(HUGE) : random.int(300)))
      }
      return Uint8Array.from(bytes)
    },
  },
  {
    kind: 'a huge length',
    harmless: true,
    make: (random) => {
      const type = random.pick([MessageType.sync, MessageType.awareness])
      const head = type === MessageType.sync ? [type, random.int(3)] : [type]
      return Uint8Array.from([...head, ...varuint(random.pick(HUGE)), ...random.bytes(random.int(16))])
    },
  },
  {
    kind: 'a frame over maxMessageBytes',
    harmless: true,
    make: (random) =>
      // Rarer than the rest: each costs a new connection and 16 KiB.
      random.int(8) === 0 ? random.bytes(FUZZ_MAX_MESSAGE_BYTES + 1 + random.int(1000)) : random.bytes(random.int(32)),
  },
  {
    kind: 'a mutated valid frame',
    harmless: false,
    make: (random, valid) => {
      const bytes = [...random.pick(valid)]
      for (let edits = 1 + random.int(4); edits > 0; edits--) {
        const at = random.int(bytes.length)
        const edit = random.int(4)
        if (edit === 0) bytes[at] = random.int(256)
        else if (edit === 1) bytes.splice(at, 0, random.int(256))
        else if (edit === 2) bytes.splice(at, 1)
        else bytes.splice(at, 0, ...varuint(random.pick(HUGE)))
      }
      return Uint8Array.from(bytes)
    },
  },
  {
    kind: 'a truncated valid frame',
    harmless: false,
    make: (random, valid) => {
      const frame = random.pick(valid)
      return frame.slice(0, random.int(frame.length))
    },
  },
]

interface FuzzResult {
  judged: number
  closes: Map<number, number>
}

async function fuzzServer(seed: number, frameCount: number): Promise<FuzzResult> {
  const random = seededRandom(seed)
  const logs: string[] = []
  const srv = await startTestServer({ maxMessageBytes: FUZZ_MAX_MESSAGE_BYTES, log: (line) => logs.push(line) })
  cleanups.push(async () => {
    await srv.stop().catch(() => undefined)
    srv.removeData()
  })
  const stock: TestClient[] = []
  const connect = (roomId: string, token: string) => {
    const c = connectClient(srv.url, roomId, token)
    cleanups.push(() => c.destroy())
    stock.push(c)
    return c
  }

  const reference = await srv.createRoom('Reference room')
  const referenceTokens = { candidate: tokenOf(reference.links.candidate), reviewer: tokenOf(reference.links.reviewer) }
  const a = connect(reference.roomId, tokenOf(reference.links.interviewer))
  const b = connect(reference.roomId, referenceTokens.candidate)
  await Promise.all([a.synced, b.synced])
  for (let i = 0; i < 20; i++) randomEdit(a.doc, random)
  await eventually(() => expect(Y.encodeStateVector(b.doc)).toEqual(Y.encodeStateVector(a.doc)))
  const referenceRoom = srv.sync.registry.loadedRoom(reference.roomId)
  if (!referenceRoom) throw new Error('reference room not loaded')
  const referenceState = async () => {
    await referenceRoom.settled()
    return {
      doc: Buffer.from(Y.encodeStateAsUpdate(referenceRoom.doc)).toString('base64'),
      log: (await srv.store.readUpdateLog(reference.roomId)).length,
    }
  }
  const before = await referenceState()

  const fuzzRooms = await Promise.all([srv.createRoom('Fuzz 1'), srv.createRoom('Fuzz 2')])
  const allTokens = [reference, ...fuzzRooms].flatMap(({ links }) => Object.values(links).map(tokenOf))
  const valid = validFrames(random)
  const result: FuzzResult = { judged: 0, closes: new Map() }
  let probe = 1_000_000

  /** One worker: a connection at a time, each frame followed by a save check that proves it was judged. */
  const worker = async (workerRandom: SeededRandom, frames: number) => {
    let ws: WebSocket | null = null
    let harmlessOnly = true
    let sent = 0
    while (sent < frames) {
      if (!ws) {
        const target = workerRandom.int(3)
        const toReference = target === 0
        const room = toReference ? reference : workerRandom.pick(fuzzRooms)
        const asReviewer = workerRandom.int(5) === 0
        // The reference room must stay as it was: only reviewers (ignored) send it what could be a valid change.
        harmlessOnly = toReference && !asReviewer
        const token = tokenOf(asReviewer ? room.links.reviewer : room.links.candidate)
        ws = await openSocket(`${srv.url}/${room.roomId}?token=${token}`)
        if (workerRandom.int(2) === 0) ws.send(updateFrame(Y.encodeStateAsUpdate(new Y.Doc()), true))
      }
      const usable = generators.filter((g) => !harmlessOnly || g.harmless)
      const frame = workerRandom.pick(usable).make(workerRandom, valid)
      const check = probe++
      const outcome = await judged(ws, frame, check)
      sent += 1
      result.judged += 1
      if (outcome !== 'answered') {
        result.closes.set(outcome, (result.closes.get(outcome) ?? 0) + 1)
        ws = null
      }
    }
    ws?.close()
  }
  const workers = 8
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(seededRandom(seed * 31 + i), Math.ceil(frameCount / workers))))

  // The reference room is exactly as it was, and its clients saw nothing.
  expect(await referenceState()).toEqual(before)
  for (const c of [a, b]) {
    expect(c.closeCodes).toEqual([])
    expect(c.provider.wsconnected).toBe(true)
  }
  a.doc.getMap('scratch').set('after fuzz', seed)
  await eventually(() => expect(b.doc.getMap('scratch').get('after fuzz')).toBe(seed))

  // Every fuzzed room holds what the store rebuilds it to (snapshots fold the log), and serves it to a new client.
  for (const { roomId, links } of fuzzRooms) {
    const room = srv.sync.registry.loadedRoom(roomId)
    await room?.settled()
    expect(room?.doc.store.pendingStructs ?? null).toBeNull()
    const replayed = docFromContent((await srv.store.loadRoomContent(roomId))!).doc
    if (room) expect(Y.encodeStateVector(room.doc)).toEqual(Y.encodeStateVector(replayed))
    const fresh = connect(roomId, tokenOf(links.interviewer))
    await fresh.synced
    await eventually(() => expect(fresh.doc.toJSON()).toEqual(replayed.toJSON()))
  }

  for (const code of result.closes.keys()) expect(EXPECTED_CLOSES).toContain(code)
  for (const line of logs) for (const token of allTokens) expect(line).not.toContain(token)
  return result
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    cleanups.push(() => ws.terminate())
    ws.on('error', () => undefined)
    ws.once('open', () => resolve(ws))
    ws.once('close', (code) => reject(new Error(`closed with ${code} before it opened`)))
  })
}

/** Sends a frame and a save check; 'answered' if the server answered the check, else the close code. */
function judged(ws: WebSocket, frame: Uint8Array, check: number): Promise<'answered' | number> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) !== MessageType.saveCheck || decoding.readVarUint(decoder) !== check) return
      done('answered')
    }
    const onClose = (code: number) => done(code)
    const done = (outcome: 'answered' | number) => {
      ws.off('message', onMessage)
      ws.off('close', onClose)
      resolve(outcome)
    }
    ws.on('message', onMessage)
    ws.on('close', onClose)
    ws.send(frame)
    ws.send(saveCheckFrame(check))
  })
}

describe('fuzzing a live server', () => {
  it('F1: 10,000 malformed and random frames (seed 0x5eed) close only their own connections', async () => {
    const { judged, closes } = await fuzzServer(0x5eed, 10_000)
    expect(judged).toBeGreaterThanOrEqual(10_000)
    expect(closes.get(CloseCode.badMessage)).toBeGreaterThan(1000)
    expect(closes.get(CloseCode.tooLarge)).toBeGreaterThan(50)
  }, 60_000)
})
