/**
 * Loads the cold-load benchmark's room through the registry, phase by phase, for profiling:
 *   node --import tsx bench/profile-load.ts [--snapshot] [--loads=<n>] [--profile=<file.cpuprofile>]
 * Builds the room (5,000 shapes, 50,000 updates; --snapshot adds a snapshot of all of it) in a
 * temporary SQLite file, then times each load: reading the store alone, opening the room (which
 * reads it again), and the room's answer to sync step 1 of an empty document. --profile writes
 * a CPU profile of the loads alone, not of building the room.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { createRoom } from '../server/rooms/rooms'
import { RoomTokens } from '../server/rooms/tokens'
import { openSqliteStore } from '../server/store'
import { migrateStoredRoomDoc } from '../server/sync/migrate'
import { RoomRegistry } from '../server/sync/registry'
import { stateVectorFrame } from '../server/sync/test-frames'
import { WriteQueue } from '../server/sync/write-queue'
import { boardHistory } from './board'

const withSnapshot = process.argv.includes('--snapshot')
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const loads = Number(flag('loads') ?? 3)
const profileFile = flag('profile')

const dir = mkdtempSync(path.join(os.tmpdir(), 'boxes-profile-'))
try {
  const store = openSqliteStore(path.join(dir, 'rooms.sqlite'))
  const tokens = new RoomTokens(Buffer.alloc(32, 7))
  const { roomId } = await createRoom(store, tokens, { title: 'profile' }, 'http://localhost')
  const history = boardHistory(5_000, 50_000)
  for (let i = 0; i < history.updates.length; i += 5_000) {
    const at = Date.now()
    await store.appendUpdates(history.updates.slice(i, i + 5_000).map((update) => ({ roomId, update, at })))
  }
  if (withSnapshot) {
    const content = await store.loadRoomContent(roomId)
    const doc = new Y.Doc()
    Y.transact(doc, () => content!.updates.forEach(({ update }) => Y.applyUpdate(doc, update)))
    await store.writeSnapshot(roomId, Y.encodeStateAsUpdate(doc), content!.updates.at(-1)!.seq)
    doc.destroy()
  }

  const session = new Session()
  if (profileFile) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  }
  for (let i = 0; i < loads; i++) {
    const writer = new WriteQueue(store)
    const registry = new RoomRegistry({ store, writer, unloadAfterMs: 60_000, snapshotEvery: 1e9, prepareDoc: migrateStoredRoomDoc })
    const t0 = performance.now()
    await store.loadRoomContent(roomId)
    const t1 = performance.now()
    const room = await registry.open(roomId)
    const t2 = performance.now()
    let bytes = 0
    const peer = { role: 'candidate' as const, awarenessIds: new Set<number>(), socket: { send: (f: Uint8Array) => (bytes = f.byteLength), close: () => {} } }
    room!.join(peer)
    room!.receive(peer, stateVectorFrame(Y.encodeStateVector(new Y.Doc())))
    await room!.settled()
    const t3 = performance.now()
    console.log(
      `load ${i}: read store ${(t1 - t0).toFixed(0)} ms, open ${(t2 - t1).toFixed(0)} ms, step 2 ${(t3 - t2).toFixed(0)} ms (${bytes} bytes)`,
    )
    room!.destroy(1001, 'done')
  }
  if (profileFile) {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(profileFile, JSON.stringify(profile))
  }
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
