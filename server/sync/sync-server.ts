import type { IncomingMessage } from 'node:http'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type * as Y from 'yjs'
import { CloseCode, isRoomId, SYNC_PATH_PREFIX, type Role } from '../../lib/sync/protocol'
import type { RoomTokens } from '../rooms/tokens'
import type { RoomStore } from '../store/room-store'
import { RoomRegistry } from './registry'
import { ProtocolError, type Peer, type Room } from './room'
import { WriteQueue } from './write-queue'

export interface SyncServerOptions {
  store: RoomStore
  tokens: RoomTokens
  /** Milliseconds a room stays loaded after its last connection leaves. */
  unloadAfterMs?: number
  /** Stored updates between two snapshots of a room. */
  snapshotEvery?: number
  /** Largest frame accepted, in bytes; larger frames close the connection with 4413. */
  maxMessageBytes?: number
  prepareDoc?: (doc: Y.Doc) => Uint8Array | null
  log?: (message: string) => void
}

export const SYNC_DEFAULTS = {
  unloadAfterMs: 30_000,
  snapshotEvery: 500,
  maxMessageBytes: 8 * 1024 * 1024,
  /** Frames a connection may send before its room has loaded. */
  maxFramesBeforeLoad: 256,
  pingIntervalMs: 30_000,
} as const

/**
 * The WebSocket side of the product: authenticates each connection against its room's
 * links, then hands its frames to the room. Attach it to any HTTP server's upgrade event.
 */
export class SyncServer {
  readonly registry: RoomRegistry
  private readonly writer: WriteQueue
  private readonly wss: WebSocketServer
  private readonly pinger: NodeJS.Timeout
  private readonly log: (message: string) => void

  constructor(private readonly options: SyncServerOptions) {
    this.log = options.log ?? (() => undefined)
    this.writer = new WriteQueue(options.store)
    this.registry = new RoomRegistry({
      store: options.store,
      writer: this.writer,
      unloadAfterMs: options.unloadAfterMs ?? SYNC_DEFAULTS.unloadAfterMs,
      snapshotEvery: options.snapshotEvery ?? SYNC_DEFAULTS.snapshotEvery,
      prepareDoc: options.prepareDoc,
      log: this.log,
    })
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes ?? SYNC_DEFAULTS.maxMessageBytes,
      perMessageDeflate: false,
    })
    const alive = new WeakSet<WebSocket>()
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      alive.add(ws)
      ws.on('pong', () => alive.add(ws))
      void this.connect(ws, req)
    })
    this.pinger = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!alive.has(ws)) ws.terminate()
        else {
          alive.delete(ws)
          ws.ping()
        }
      }
    }, SYNC_DEFAULTS.pingIntervalMs)
    this.pinger.unref()
  }

  /** True when this server handles the upgrade request's path. */
  handles(req: IncomingMessage): boolean {
    return (req.url ?? '').startsWith(SYNC_PATH_PREFIX)
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req))
  }

  get connectionCount(): number {
    return this.wss.clients.size
  }

  /** Stores what is pending, snapshots loaded rooms and closes every connection (1001). */
  async close(): Promise<void> {
    clearInterval(this.pinger)
    await this.writer.idle()
    await this.registry.closeAll()
    for (const ws of this.wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private async connect(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const roomId = decodeURIComponent(url.pathname.slice(SYNC_PATH_PREFIX.length))
    const token = url.searchParams.get('token')
    const refuse = (code: CloseCode, reason: string) => {
      this.log(`refused sync connection to room ${isRoomId(roomId) ? roomId : '(invalid id)'}: ${reason}`)
      ws.close(code, reason)
    }

    let room: Room | null = null
    let peer: Peer | null = null
    const early: Uint8Array[] = []
    const receive = (frame: Uint8Array) => {
      if (!room || !peer) return
      try {
        room.receive(peer, frame)
      } catch (error) {
        const reason = error instanceof ProtocolError ? error.message : 'malformed message'
        this.log(`closing a connection to room ${room.roomId}: ${reason}`)
        ws.close(CloseCode.badMessage, 'malformed message')
      }
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return ws.close(CloseCode.badMessage, 'binary frames only')
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      if (room) return receive(frame)
      if (early.length >= SYNC_DEFAULTS.maxFramesBeforeLoad) return ws.close(CloseCode.rateLimited, 'too many messages')
      early.push(frame)
    })
    ws.on('close', () => {
      if (room && peer) room.leave(peer)
    })
    ws.on('error', () => ws.terminate())

    if (!isRoomId(roomId)) return refuse(CloseCode.notFound, 'room not found')
    if (!token) return refuse(CloseCode.noToken, 'missing token')
    try {
      const stored = await this.options.store.getRoom(roomId)
      if (!stored) return refuse(CloseCode.notFound, 'room not found')
      const role: Role | null = this.options.tokens.roleFor(stored, token)
      if (!role) return refuse(CloseCode.forbidden, 'invalid token')
      peer = {
        role,
        awarenessIds: new Set(),
        socket: {
          send: (data) => ws.readyState === WebSocket.OPEN && ws.send(data),
          close: (code, reason) => ws.close(code, reason),
        },
      }
      for (let attempt = 0; attempt < 3 && !room; attempt += 1) {
        const opened = await this.registry.open(roomId)
        if (!opened) return refuse(CloseCode.notFound, 'room not found')
        if (ws.readyState !== WebSocket.OPEN) return
        if (opened.join(peer)) room = opened
      }
      if (!room) return refuse(CloseCode.overloaded, 'room is reloading')
      for (const frame of early.splice(0)) receive(frame)
    } catch (error) {
      this.log(`could not open room ${roomId}: ${String(error)}`)
      ws.close(CloseCode.serverError, 'server error')
    }
  }
}

/** Runs a sync server alone on its own HTTP server (tests, benchmarks). */
export async function startSyncServer(
  options: SyncServerOptions & { port?: number; host?: string },
): Promise<{ sync: SyncServer; server: Server; port: number; url: string; close(): Promise<void> }> {
  const sync = new SyncServer(options)
  const server = createServer((_req, res) => {
    res.writeHead(404).end()
  })
  server.on('upgrade', (req, socket, head) => {
    if (sync.handles(req)) sync.handleUpgrade(req, socket, head)
    else socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    sync,
    server,
    port,
    url: `ws://127.0.0.1:${port}/sync`,
    close: async () => {
      await sync.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
