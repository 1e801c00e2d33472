/**
 * Our sync server alone in its own process, for the benchmark runner:
 *   node --expose-gc --import tsx bench/our-server.ts --data-dir=<dir> [--memory] [--unload-ms=<n>]
 * The token secret comes from BENCH_TOKEN_SECRET (hex) so the runner can build rooms itself.
 * It reports its port, creates rooms and reports its memory over IPC.
 */
import path from 'node:path'
import { createRoom } from '../server/rooms/rooms'
import { RoomTokens } from '../server/rooms/tokens'
import { createMemoryStore, openSqliteStore, type RoomStore } from '../server/store'
import { migrateStoredRoomDoc } from '../server/sync/migrate'
import { startSyncServer } from '../server/sync/sync-server'
import { memoryStats } from './memory'
import { hasType, sendToParent, type RoomTarget, type ToServer } from './messages'

function flag(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

const secretHex = process.env.BENCH_TOKEN_SECRET ?? ''
if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error('BENCH_TOKEN_SECRET must be 32 bytes of hex')
const dataDir = flag('data-dir')
const inMemory = process.argv.includes('--memory')
if (!inMemory && !dataDir) throw new Error('give --data-dir=<dir> or --memory')

const store: RoomStore = inMemory ? createMemoryStore() : openSqliteStore(path.join(dataDir ?? '', 'rooms.sqlite'))
const tokens = new RoomTokens(Buffer.from(secretHex, 'hex'))
const running = await startSyncServer({
  store,
  tokens,
  port: 0,
  unloadAfterMs: Number(flag('unload-ms') ?? 30_000),
  // As in production (server/main.ts): rooms are brought up to the current schema on load.
  prepareDoc: migrateStoredRoomDoc,
  log: (message) => console.error(message),
})

async function createRooms(count: number): Promise<RoomTarget[]> {
  const rooms: RoomTarget[] = []
  for (let i = 0; i < count; i++) {
    const { roomId, links } = await createRoom(store, tokens, { title: `bench ${i}` }, 'http://localhost')
    rooms.push({ roomId, token: new URL(links.interviewer).hash.replace('#token=', '') })
  }
  return rooms
}

process.on('message', (message: unknown) => {
  if (!hasType<ToServer>(message)) return
  switch (message.type) {
    case 'stats':
      sendToParent({ type: 'stats', stats: memoryStats(running.sync.registry.loadedCount) })
      break
    case 'create-rooms':
      void createRooms(message.count).then((rooms) => sendToParent({ type: 'rooms', rooms }))
      break
  }
})

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) return
  stopping = true
  void running
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0))
})

console.log(`our sync server on port ${running.port}`)
sendToParent({ type: 'ready', port: running.port })
