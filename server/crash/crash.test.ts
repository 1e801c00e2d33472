import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as decoding from 'lib0/decoding'
import { afterEach, describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '../../lib/sync/protocol'
import { createRoom } from '../rooms/rooms'
import { RoomTokens } from '../rooms/tokens'
import { openSqliteStore } from '../store'
import { connectClient, eventually, tokenOf, type TestClient } from '../testing/harness'

const root = fileURLToPath(new URL('../..', import.meta.url))
const SEED = 20_260_611
const KILLS = 6
const EDIT_EVERY_MS = 5
/** The clients' shared map; the room's own layout is left alone. */
const EDITS = 'crash-test'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** mulberry32, so a seed replays the same kill moments (the machine's timing still varies). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface ServerProcess {
  child: ChildProcess
  port: number
  exited: Promise<NodeJS.Signals | number | null>
}

/** Starts server/crash/crash-server.ts and resolves once it accepts connections. */
function startServerProcess(env: Record<string, string>, log: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/crash/crash-server.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)))
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()))
  return new Promise((resolve, reject) => {
    let stdout = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const ready = /^ready (\d+)$/m.exec(stdout)
      if (ready) resolve({ child, port: Number(ready[1]), exited })
    })
    void exited.then((how) => reject(new Error(`crash-server exited (${String(how)}) before it was ready:\n${log.join('')}`)))
  })
}

/** A stock y-websocket client that edits at full speed and records what it received from the server. */
interface EditingClient {
  name: string
  client: TestClient
  /**
   * Every update the server sent, as sent: each was stored first. Not the doc's update events
   * from the provider: those also hold deletions the client derived from its own unsent edits.
   */
  fromServer: Uint8Array[]
  /** Keys this client wrote while the server process was dead. */
  writtenWhileDown: string[]
  /** Local updates made while the server was dead (they cannot be stored yet). */
  localWhileDown: Uint8Array[]
  /** Connections opened, and server kills that hit an open connection. */
  connects: number
  killedWhileConnected: number
  stopEditing(): void
}

function editingClient(name: string, url: string, roomId: string, token: string, serverDown: () => boolean): EditingClient {
  const client = connectClient(url, roomId, token)
  const editing: EditingClient = {
    name,
    client,
    fromServer: [],
    writtenWhileDown: [],
    localWhileDown: [],
    connects: 0,
    killedWhileConnected: 0,
    stopEditing: () => clearInterval(timer),
  }
  const { provider } = client
  const receiveSync = provider.messageHandlers[MessageType.sync]!
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, ...rest) => {
    const peek = decoding.clone(decoder)
    const kind = decoding.readVarUint(peek)
    if (kind === syncProtocol.messageYjsSyncStep2 || kind === syncProtocol.messageYjsUpdate) {
      editing.fromServer.push(decoding.readVarUint8Array(peek).slice())
    }
    receiveSync(encoder, decoder, ...rest)
  }
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== provider && serverDown()) editing.localWhileDown.push(update)
  })
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected') editing.connects += 1
  })
  const edits = client.doc.getMap<unknown>(EDITS)
  let n = 0
  const timer = setInterval(() => {
    n += 1
    const key = `${name}-${n}`
    client.doc.transact(() => {
      edits.set(key, n)
      // One key both clients overwrite: concurrent sets and the deletions they leave behind.
      edits.set('last-writer', key)
    })
    if (serverDown()) editing.writtenWhileDown.push(key)
  }, EDIT_EVERY_MS)
  cleanups.push(() => {
    editing.stopEditing()
    client.destroy()
  })
  return editing
}

/** The room as a restarted server would load it: the latest snapshot, then the log after it. */
async function loadStoredRoom(file: string, roomId: string): Promise<Y.Doc> {
  const store = openSqliteStore(file)
  try {
    const content = await store.loadRoomContent(roomId)
    if (!content) throw new Error(`room ${roomId} is not in ${file}`)
    const doc = new Y.Doc()
    if (content.snapshot) Y.applyUpdate(doc, content.snapshot.data)
    for (const { update } of content.updates) Y.applyUpdate(doc, update)
    return doc
  } finally {
    await store.close()
  }
}

/**
 * Indexes of the updates `stored` does not already hold: applying one changes the doc or leaves
 * something pending. Stops at the first, since a missing update changes the doc for the rest.
 */
function firstMissing(stored: Y.Doc, updates: Uint8Array[]): number | null {
  let changed = false
  const onUpdate = () => (changed = true)
  stored.on('update', onUpdate)
  try {
    for (const [i, update] of updates.entries()) {
      Y.applyUpdate(stored, update)
      if (changed || stored.store.pendingStructs || stored.store.pendingDs) return i
    }
    return null
  } finally {
    stored.off('update', onUpdate)
  }
}

/** Every root of the room document as JSON; the room's roots are all Y.Maps. */
function roomJSON(doc: Y.Doc): Record<string, unknown> {
  return Object.fromEntries([...doc.share.keys()].sort().map((key) => [key, doc.getMap(key).toJSON()]))
}

/** Same state vector, same deletions, same content. */
function expectSameRoom(actual: Y.Doc, expected: Y.Doc, what: string): void {
  expect(Y.encodeStateVector(actual), what).toEqual(Y.encodeStateVector(expected))
  expect(Y.equalSnapshots(Y.snapshot(actual), Y.snapshot(expected)), what).toBe(true)
  expect(roomJSON(actual), what).toEqual(roomJSON(expected))
}

describe('crash safety of the sync server process', () => {
  it(`keeps every update a client received across ${KILLS} SIGKILLs, and clients recover by themselves (seed ${SEED})`, async () => {
    const random = seededRandom(SEED)
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'boxes-crash-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const file = path.join(dataDir, 'rooms.sqlite')
    const secret = randomBytes(32).toString('base64url')

    const setupStore = openSqliteStore(file)
    const { roomId, links } = await createRoom(setupStore, new RoomTokens(Buffer.from(secret)), { title: 'Crash drill' }, 'http://localhost')
    await setupStore.close()

    const serverLog: string[] = []
    const env = { DATA_DIR: dataDir, TOKEN_SECRET: secret, SNAPSHOT_EVERY: '60', ROOM_UNLOAD_MS: '1000' }
    let server = await startServerProcess({ ...env, PORT: '0' }, serverLog)
    const port = String(server.port)
    cleanups.push(() => {
      server.child.kill('SIGKILL')
    })
    let down = false
    const url = `ws://127.0.0.1:${port}/sync`
    const clients = [
      editingClient('interviewer', url, roomId, tokenOf(links.interviewer), () => down),
      editingClient('candidate', url, roomId, tokenOf(links.candidate), () => down),
    ]
    await Promise.all(clients.map(({ client }) => client.synced))
    const bothSynced = () => clients.every(({ client }) => client.provider.synced)

    for (let kill = 1; kill <= KILLS; kill++) {
      // Even kills wait for both clients to stream again; odd ones may land mid-handshake.
      if (kill % 2 === 0) await eventually(() => expect(bothSynced()).toBe(true), 10_000)
      await sleep(100 + Math.floor(random() * 600))
      for (const c of clients) if (c.client.provider.wsconnected) c.killedWhileConnected += 1
      down = true
      server.child.kill('SIGKILL')
      expect(await server.exited).toBe('SIGKILL')

      const downSince = clients.map(({ localWhileDown }) => localWhileDown.length)
      await sleep(50 + Math.floor(random() * 250))
      const stored = await loadStoredRoom(file, roomId)
      for (const { name, fromServer } of clients) {
        const missing = firstMissing(stored, fromServer)
        expect(missing, `kill ${kill}: ${name}'s update #${missing} of ${fromServer.length} from the server is not stored`).toBeNull()
      }
      // The same check fails for what the server never got: the edits made while it was dead.
      const unsent = clients.flatMap(({ localWhileDown }, i) => localWhileDown.slice(downSince[i]))
      expect(unsent.length, `kill ${kill}: the clients edited while the server was dead`).toBeGreaterThan(0)
      expect(firstMissing(stored, unsent)).not.toBeNull()
      stored.destroy()

      server = await startServerProcess({ ...env, PORT: port }, serverLog)
      down = false
    }

    await eventually(() => expect(bothSynced()).toBe(true), 10_000)
    await sleep(100)
    clients.forEach((c) => c.stopEditing())
    const [first, second] = clients.map(({ client }) => client.doc) as [Y.Doc, Y.Doc]
    await eventually(() => expectSameRoom(second, first, 'the two clients'), 10_000)

    const fresh = connectClient(url, roomId, tokenOf(links.reviewer))
    cleanups.push(() => fresh.destroy())
    await fresh.synced
    expectSameRoom(fresh.doc, first, 'a fresh client')

    for (const { name, connects, killedWhileConnected } of clients) {
      expect(killedWhileConnected, `${name} was connected at the kills after a resync`).toBeGreaterThanOrEqual(KILLS / 2)
      expect(connects, `${name} reconnected after every kill that cut its connection`).toBeGreaterThan(killedWhileConnected)
    }
    const freshEdits = fresh.doc.getMap(EDITS)
    for (const { name, writtenWhileDown } of clients) {
      expect(writtenWhileDown.length, `${name} edited while the server was down`).toBeGreaterThan(0)
      expect(writtenWhileDown.filter((key) => !freshEdits.has(key)), `${name}'s offline edits reached the room`).toEqual([])
    }

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    const stored = await loadStoredRoom(file, roomId)
    expectSameRoom(stored, first, 'the stored room')
    for (const { name, fromServer } of clients) {
      expect(firstMissing(stored, fromServer), `${name}: an update from the server is not stored`).toBeNull()
    }
    console.info(
      `crash drill: ${KILLS} kills, ${clients.map(({ name, fromServer, writtenWhileDown }) => `${name} received ${fromServer.length} updates from the server and wrote ${writtenWhileDown.length} keys while it was down`).join('; ')}`,
    )
  }, 90_000)
})
