/**
 * Our sync server alone in its own process, for the benchmark runner:
 *   node --expose-gc --import tsx bench/our-server.ts --data-dir=<dir> [--memory] [--unload-ms=<n>] [--hibernate-ms=<n>]
 * The token secret comes from BENCH_TOKEN_SECRET (hex) so the runner can build rooms itself.
 * It reports its port, creates rooms and reports its memory over IPC.
 */
import path from 'node:path'
import { createRoom } from '../server/rooms/rooms'
import { RoomTokens } from '../server/rooms/tokens'
import { createMemoryStore, openSqliteStore, type RoomStore } from '../server/store'
import { migrateStoredRoomDoc } from '../server/sync/migrate'
import { startSyncServer, SYNC_DEFAULTS } from '../server/sync/sync-server'
import { hasType, sendToParent, type RoomTarget, type StoreTiming, type ToServer } from './messages'
import { answerRunner } from './probe'
import { percentile, sortedOf } from './stats'

const appendTimes: number[] = []
const snapshotTimes: number[] = []
const relayTimes: number[] = []
let appendedUpdates = 0

/** The store with its appends and snapshots timed, to tell storage stalls from other delays. */
function timedStore(inner: RoomStore): RoomStore {
  return {
    ...inner,
    async appendUpdates(updates) {
      const started = performance.now()
      try {
        return await inner.appendUpdates(updates)
      } finally {
        appendTimes.push(performance.now() - started)
        appendedUpdates += updates.length
      }
    },
    async writeSnapshot(roomId, data, upToSeq) {
      const started = performance.now()
      try {
        return await inner.writeSnapshot(roomId, data, upToSeq)
      } finally {
        snapshotTimes.push(performance.now() - started)
      }
    },
  }
}

function storeTiming(): StoreTiming {
  const appends = sortedOf(appendTimes.splice(0))
  const snapshots = snapshotTimes.splice(0)
  const relays = sortedOf(relayTimes.splice(0))
  const timing: StoreTiming = {
    relayed: relays.length,
    relayP50: percentile(relays, 0.5),
    relayP99: percentile(relays, 0.99),
    relayMax: relays.at(-1) ?? NaN,
    appendCalls: appends.length,
    appendedUpdates,
    appendP50: percentile(appends, 0.5),
    appendP99: percentile(appends, 0.99),
    appendMax: appends.at(-1) ?? NaN,
    snapshots: snapshots.length,
    snapshotMax: snapshots.length > 0 ? Math.max(...snapshots) : NaN,
  }
  appendedUpdates = 0
  return timing
}

function flag(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

const secretHex = process.env.BENCH_TOKEN_SECRET ?? ''
if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error('BENCH_TOKEN_SECRET must be 32 bytes of hex')
const dataDir = flag('data-dir')
const inMemory = process.argv.includes('--memory')
if (!inMemory && !dataDir) throw new Error('give --data-dir=<dir> or --memory')

const store = timedStore(inMemory ? createMemoryStore() : openSqliteStore(path.join(dataDir ?? '', 'rooms.sqlite')))
const tokens = new RoomTokens(Buffer.from(secretHex, 'hex'))
const running = await startSyncServer({
  store,
  tokens,
  port: 0,
  unloadAfterMs: Number(flag('unload-ms') ?? 30_000),
  // As in production unless told: quiet rooms hibernate after a minute.
  hibernateAfterMs: Number(flag('hibernate-ms') ?? SYNC_DEFAULTS.hibernateAfterMs),
  // As in production (server/main.ts): rooms are brought up to the current schema on load.
  prepareDoc: migrateStoredRoomDoc,
  onRelayed: (ms) => relayTimes.push(ms),
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

answerRunner(() => running.sync.registry.loadedCount)
process.on('message', (message: unknown) => {
  if (!hasType<ToServer>(message)) return
  if (message.type === 'create-rooms') {
    void createRooms(message.count).then((rooms) => sendToParent({ type: 'rooms', rooms }))
  } else if (message.type === 'store-timing') {
    sendToParent({ type: 'store-timing', timing: storeTiming() })
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
