// Test fixture for crash.test.ts: the sync server alone over SQLite in DATA_DIR, for a test to kill
// with SIGKILL and restart. Prints `ready <port>` once it accepts connections; SIGTERM stops it cleanly.
import path from 'node:path'
import { z } from 'zod'
import { ServerConfig } from '../config'
import { loadOrCreateTokenSecret, RoomTokens } from '../rooms/tokens'
import { openSqliteStore } from '../store'
import { migrateStoredRoomDoc } from '../sync/migrate'
import { startSyncServer, SYNC_DEFAULTS } from '../sync/sync-server'

const CrashServerEnv = ServerConfig.extend({
  HOST: z.string().min(1).default('127.0.0.1'),
  // Required here: the test derives the room links from the same secret.
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Small values make kills land between, and during, snapshots. */
  SNAPSHOT_EVERY: z.coerce.number().int().min(1).default(SYNC_DEFAULTS.snapshotEvery),
})

const parsed = CrashServerEnv.safeParse(process.env)
if (!parsed.success) {
  console.error(`crash-server: invalid configuration\n${z.prettifyError(parsed.error)}`)
  process.exit(1)
}
const config = parsed.data
const dataDir = path.resolve(config.DATA_DIR)
const store = openSqliteStore(path.join(dataDir, 'rooms.sqlite'))
const running = await startSyncServer({
  store,
  tokens: new RoomTokens(loadOrCreateTokenSecret(dataDir, config.TOKEN_SECRET)),
  unloadAfterMs: config.ROOM_UNLOAD_MS,
  hibernateAfterMs: config.ROOM_HIBERNATE_MS,
  snapshotEvery: config.SNAPSHOT_EVERY,
  prepareDoc: migrateStoredRoomDoc,
  log: (message) => console.error(message),
  port: config.PORT,
  host: config.HOST,
})
console.log(`ready ${running.port}`)

process.once('SIGTERM', () => {
  void running
    .close()
    .then(() => store.close())
    .then(() => process.exit(0))
})
