import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { createRoom } from '../rooms/rooms'
import { RoomTokens } from '../rooms/tokens'
import { openSqliteStore, type RoomStore } from '../store'
import { startSyncServer, type SyncServerOptions } from '../sync/sync-server'

/** A real sync server on port 0 over a real SQLite store in a temporary DATA_DIR. */
export async function startTestServer(options: { dataDir?: string; secret?: Buffer } & Partial<SyncServerOptions> = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'boxes-test-'))
  const secret = options.secret ?? randomBytes(32)
  const store: RoomStore = options.store ?? openSqliteStore(path.join(dataDir, 'rooms.sqlite'))
  const tokens = new RoomTokens(secret)
  const running = await startSyncServer({ unloadAfterMs: 50, ...options, store, tokens })
  return {
    ...running,
    dataDir,
    secret,
    store,
    tokens,
    createRoom: (title = 'Design a URL shortener') => createRoom(store, tokens, { title }, 'http://localhost'),
    /** Stops the server and closes its store, leaving DATA_DIR for a restart. */
    stop: async () => {
      await running.close()
      await store.close()
    },
    removeData: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

export function tokenOf(link: string): string {
  return new URL(link).hash.replace('#token=', '')
}

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Close codes the server sent to this client, in order. */
  closeCodes: number[]
  synced: Promise<void>
  destroy(): void
}

/** A stock y-websocket client, as a third-party tool would connect. */
export function connectClient(url: string, roomId: string, token: string | null): TestClient {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, roomId, doc, {
    params: token === null ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  })
  const closeCodes: number[] = []
  provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code)
  })
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    provider.on('sync', (isSynced: boolean) => isSynced && resolve())
  })
  return {
    doc,
    provider,
    closeCodes,
    synced,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Retries an assertion until it passes or the time is up (no fixed sleeps in tests). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await assertion()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}
