import { createServer } from 'node:http'
import path from 'node:path'
import next from 'next'
import { ConfigError, loadConfig, syncLimitsOf } from './config'
import { checkRoomAccess, createRoom, exportStoredRoom, roomLinks, rotateLink } from './rooms/rooms'
import { loadOrCreateTokenSecret, RoomTokens } from './rooms/tokens'
import { setRoomServices } from './services'
import { AssetStore } from './assets/asset-store'
import { openSqliteStore } from './store'
import { SyncServer } from './sync/sync-server'
import { migrateStoredRoomDoc } from './sync/migrate'

function log(message: string): void {
  console.log(`${new Date().toISOString()} ${message}`)
}

async function main(): Promise<void> {
  const dev = process.argv.includes('--dev')
  const config = loadConfig({ ...process.env, NODE_ENV: dev ? 'development' : 'production' })
  const dataDir = path.resolve(config.DATA_DIR)
  const store = openSqliteStore(path.join(dataDir, 'rooms.sqlite'))
  const tokens = new RoomTokens(loadOrCreateTokenSecret(dataDir, config.TOKEN_SECRET))
  const sync = new SyncServer({ ...syncLimitsOf(config), store, tokens, unloadAfterMs: config.ROOM_UNLOAD_MS, hibernateAfterMs: config.ROOM_HIBERNATE_MS, prepareDoc: migrateStoredRoomDoc, log })

  setRoomServices({
    createRoom: (input, origin) => createRoom(store, tokens, input, origin),
    checkAccess: (roomId, token) => checkRoomAccess(store, tokens, roomId, token),
    links: (room, origin) => roomLinks(tokens, room, origin),
    exportRoom: (roomId) => exportStoredRoom(store, roomId),
    assets: new AssetStore(path.join(dataDir, 'assets')),
    rotateLink: (roomId, role) => rotateLink(store, roomId, role, (id, closed) => sync.closeRole(id, closed)),
    publicOrigin: config.PUBLIC_ORIGIN,
  })

  const app = next({ dev, dir: process.cwd(), hostname: config.HOST, port: config.PORT })
  await app.prepare()
  const handleRequest = app.getRequestHandler()
  const handleNextUpgrade = app.getUpgradeHandler()

  const server = createServer((req, res) => void handleRequest(req, res))
  server.on('upgrade', (req, socket, head) => {
    if (sync.handles(req)) sync.handleUpgrade(req, socket, head)
    else void handleNextUpgrade(req, socket, head)
  })
  server.listen(config.PORT, config.HOST, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.PORT
    log(`Boxes & Arrows on http://localhost:${port} (data in ${dataDir}${dev ? ', development' : ''})`)
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: storing pending changes and closing`)
    server.close()
    await sync.close()
    await store.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
