import type { IncomingMessage } from 'node:http'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type * as Y from 'yjs'
import { isInterviewerOnly, mayHoldInterviewerOnly } from '../../lib/room-doc/permissions'
import { PRIVATE_DOC_SUFFIX } from '../../lib/room-doc/layout'
import { CloseCode, isRoomId, SYNC_PATH_PREFIX, type Role } from '../../lib/sync/protocol'
import { checkRoomAccess } from '../rooms/access'
import type { RoomTokens } from '../rooms/tokens'
import type { RoomStore } from '../store/room-store'
import { messageCost, resolveLimits, SYNC_LIMIT_DEFAULTS, TokenBucket, type SyncLimits } from './limits'
import { RoomCapacityError, RoomRegistry } from './registry'
import { ConnectionError, type Peer, type Room, type RoomDeps } from './room'
import { Compactor } from './compactor'
import { WriteQueue } from './write-queue'
import { FrameWriter } from './ws-frames'

/** Every limit of SyncLimits may be given here; SYNC_DEFAULTS holds what is not. */
export interface SyncServerOptions extends Partial<SyncLimits> {
  store: RoomStore
  tokens: RoomTokens
  /** Milliseconds a room stays loaded after its last connection leaves. */
  unloadAfterMs?: number
  /** Stored updates between two snapshots of a room. */
  snapshotEvery?: number
  prepareDoc?: (doc: Y.Doc) => void
  /** What each role may not write; by default the room document's rule (interviewer-only places). */
  forbiddenFor?: RoomDeps['forbiddenFor']
  /** With forbiddenFor: see RoomDeps.mayMatter. */
  mayMatter?: RoomDeps['mayMatter']
  /** See RoomDeps.hibernateAfterMs: how long a room keeps a Y.Doc it had to build (0: rooms always keep one). */
  hibernateAfterMs?: number
  /** Told, for each update, the milliseconds from applying it to sending it on (benchmarks). */
  onRelayed?: RoomDeps['onRelayed']
  /**
   * Each connection is pinged this often and closed if it did not answer the previous ping.
   * The pings go out in PING_GROUPS groups spread over the interval.
   */
  pingIntervalMs?: number
  /** Receives one line per refused or closed connection (with the room id, never the token). */
  log?: (message: string) => void
}

export const SYNC_DEFAULTS = {
  unloadAfterMs: 30_000,
  snapshotEvery: 500,
  hibernateAfterMs: 60_000,
  pingIntervalMs: 30_000,
  ...SYNC_LIMIT_DEFAULTS,
} as const

/** Interviewers write anywhere; everyone else (reviewers send nothing) not in interviewer-only places. */
const roomDocumentRule = (role: Role) => (role === 'interviewer' ? null : isInterviewerOnly)

/** How a refused connection is closed: as HTTP would answer, and a short reason for the client. */
const ACCESS_REFUSALS = {
  401: { code: CloseCode.noToken, reason: 'missing token' },
  403: { code: CloseCode.forbidden, reason: 'invalid token' },
  404: { code: CloseCode.notFound, reason: 'room not found' },
} as const

/**
 * Connections are pinged in this many groups, one group per pingIntervalMs / PING_GROUPS.
 * Pinging all 1,000 connections of a test server in one turn (a write per socket, then as many
 * pongs at once) delayed its event loop, which every broadcast goes through, by up to 59-92 ms
 * each round; in 30 groups, at most 16-28 ms from any cause (clients on the same core).
 */
export const PING_GROUPS = 30

/** ws's own close code for a frame over maxPayload. */
const WS_MESSAGE_TOO_BIG = 1009

/**
 * The WebSocket side of the product: authenticates each connection against its room's
 * links, then hands its frames to the room. Attach it to any HTTP server's upgrade event.
 * No frame, however malformed or large, ends more than its own connection.
 */
export class SyncServer {
  readonly registry: RoomRegistry
  readonly limits: SyncLimits
  private readonly writer: WriteQueue
  /** Folds rooms' changes into their snapshots off the event loop. */
  readonly compactor: Compactor
  private readonly wss: WebSocketServer
  private readonly frames = new FrameWriter()
  private readonly pinger: NodeJS.Timeout
  private readonly log: (message: string) => void

  constructor(private readonly options: SyncServerOptions) {
    this.log = options.log ?? (() => undefined)
    this.limits = resolveLimits(options)
    this.writer = new WriteQueue(options.store)
    this.compactor = new Compactor(this.log)
    this.compactor.warm()
    this.registry = new RoomRegistry({
      store: options.store,
      writer: this.writer,
      unloadAfterMs: options.unloadAfterMs ?? SYNC_DEFAULTS.unloadAfterMs,
      snapshotEvery: options.snapshotEvery ?? SYNC_DEFAULTS.snapshotEvery,
      limits: this.limits,
      prepareDoc: options.prepareDoc,
      forbiddenFor: options.forbiddenFor ?? roomDocumentRule,
      mayMatter: options.forbiddenFor ? options.mayMatter : mayHoldInterviewerOnly,
      hibernateAfterMs: options.hibernateAfterMs ?? SYNC_DEFAULTS.hibernateAfterMs,
      onRelayed: options.onRelayed,
      compactor: this.compactor,
      log: this.log,
    })
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxMessageBytes,
      perMessageDeflate: false,
    })
    const alive = new WeakSet<WebSocket>()
    const pingGroup = new WeakMap<WebSocket, number>()
    let joined = 0
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage, socket: Duplex) => {
      alive.add(ws)
      pingGroup.set(ws, joined++ % PING_GROUPS)
      ws.on('pong', () => alive.add(ws))
      this.connect(ws, req, socket).catch((error: unknown) => {
        this.log(`sync connection failed: ${String(error)}`)
        ws.terminate()
      })
    })
    let tick = 0
    this.pinger = setInterval(
      () => {
        const group = tick++ % PING_GROUPS
        for (const ws of this.wss.clients) {
          if (pingGroup.get(ws) !== group) continue
          if (!alive.has(ws)) ws.terminate()
          else {
            alive.delete(ws)
            ws.ping()
          }
        }
      },
      (options.pingIntervalMs ?? SYNC_DEFAULTS.pingIntervalMs) / PING_GROUPS,
    )
    this.pinger.unref()
  }

  /** True when this server handles the upgrade request's path. */
  handles(req: IncomingMessage): boolean {
    return (req.url ?? '').startsWith(SYNC_PATH_PREFIX)
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req, socket))
  }

  get connectionCount(): number {
    return this.wss.clients.size
  }

  /** Closes the room's connections of `role` (4403): their link was replaced. */
  closeRole(roomId: string, role: Role): void {
    for (const name of [roomId, `${roomId}${PRIVATE_DOC_SUFFIX}`]) this.registry.loadedRoom(name)?.closeRole(role, CloseCode.forbidden, 'link replaced')
  }

  /** Stores what is pending, snapshots loaded rooms and closes every connection (1001). */
  async close(): Promise<void> {
    clearInterval(this.pinger)
    await this.writer.idle()
    await this.registry.closeAll()
    await this.compactor.close()
    for (const ws of this.wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private async connect(ws: WebSocket, req: IncomingMessage, socket: Duplex): Promise<void> {
    const limits = this.limits
    const { roomId, docName, isPrivate, token } = parseSyncUrl(req.url)
    const roomName = isRoomId(roomId) ? roomId : '(invalid id)'
    let role: Role | null = null
    let closing = false
    /** Ends this connection, once, and logs why. */
    const end = (code: CloseCode, reason: string, detail: string = reason) => {
      if (closing) return
      closing = true
      this.log(`closing a sync connection to room ${roomName}${role ? ` (${role})` : ''} with ${code}: ${detail}`)
      ws.close(code, reason)
    }
    // ws closes a frame over maxPayload itself, with 1009; our clients know 4413.
    const wsClose = ws.close.bind(ws)
    ws.close = (code?: number, reason?: string | Buffer) => {
      if (code === WS_MESSAGE_TOO_BIG) wsClose(CloseCode.tooLarge, 'message too large')
      else wsClose(code, reason)
    }

    let room: Room | null = null
    let peer: Peer | null = null
    /** The connection, once it may see the room, until the room has loaded. */
    let waiting: Peer | null = null
    const bucket = new TokenBucket(limits.messageBurst, limits.messagesPerSecond)
    const early: Uint8Array[] = []
    let earlyBytes = 0
    const receive = (frame: Uint8Array) => {
      if (!room || !peer || closing) return
      if (!bucket.take(room.frameCost(frame))) return end(CloseCode.rateLimited, 'too many messages')
      try {
        room.receive(peer, frame)
      } catch (error) {
        if (error instanceof ConnectionError) end(error.code, error.reason, error.message)
        else end(CloseCode.serverError, 'server error', `could not handle a frame: ${String(error)}`)
      }
    }
    /** A request for the whole document while the room loads, answered from the store (see RoomRegistry.answerBeforeLoad). */
    const answerBeforeLoad = (frame: Uint8Array): boolean => {
      const reply = waiting && this.registry.answerBeforeLoad(docName, frame)
      if (!waiting || !reply) return false
      if (!bucket.take(messageCost(frame.byteLength, limits) + messageCost(reply.bytes, limits))) {
        end(CloseCode.rateLimited, 'too many messages')
      } else for (const replyFrame of reply.frames) waiting.socket.send(replyFrame)
      return true
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (closing || ws.readyState !== WebSocket.OPEN) return
      if (!isBinary) return end(CloseCode.badMessage, 'binary frames only', 'a text frame')
      const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      if (room) return receive(frame)
      if (answerBeforeLoad(frame)) return
      earlyBytes += frame.byteLength
      if (early.length >= limits.maxFramesBeforeLoad || earlyBytes > limits.maxBytesBeforeLoad) {
        return end(CloseCode.rateLimited, 'too many messages', 'too much sent before the room loaded')
      }
      early.push(frame)
    })
    ws.on('close', () => {
      closing = true
      if (room && peer) room.leave(peer)
    })
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the connection itself after an error; this only says why.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.log(`closing a sync connection to room ${roomName} with ${CloseCode.tooLarge}: a frame over ${limits.maxMessageBytes} bytes`)
      } else this.log(`sync connection to room ${roomName} failed: ${error.message}`)
      closing = true
    })

    try {
      const access = await checkRoomAccess(this.options.store, this.options.tokens, roomId, token)
      if (!access.ok) {
        const refusal = ACCESS_REFUSALS[access.status]
        return end(refusal.code, refusal.reason, `${refusal.reason} (${access.error})`)
      }
      role = access.role
      // Not a byte of the private document goes to anyone but an interviewer.
      if (isPrivate && role !== 'interviewer') return end(CloseCode.forbidden, 'interviewers only', `a ${role} asked for the private notes`)
      const joining: Peer = {
        role,
        awarenessIds: new Set(),
        socket: {
          send: (data) => {
            if (ws.readyState !== WebSocket.OPEN) return
            if (ws.bufferedAmount > limits.maxBufferedBytes) {
              // A connection that does not read would hold the room's changes in memory; it resyncs on reconnect.
              this.log(`closing a sync connection to room ${roomName} (${joining.role}): over ${limits.maxBufferedBytes} bytes unread`)
              closing = true
              ws.terminate()
              return
            }
            // The socket ws was given at the upgrade: ws writes nothing else meanwhile (see FrameWriter).
            if (!this.frames.write(socket, data)) ws.send(data)
          },
          close: (code, reason) => end(code as CloseCode, reason),
        },
      }
      waiting = joining
      for (let attempt = 0; attempt < 3 && !room; attempt += 1) {
        const opened = await this.registry.open(docName)
        if (!opened) return end(CloseCode.notFound, 'room not found')
        if (closing || ws.readyState !== WebSocket.OPEN) return
        if (opened.connectionCount >= limits.maxConnectionsPerRoom) {
          return end(CloseCode.overloaded, 'room is full', `the room has ${opened.connectionCount} connections`)
        }
        if (opened.join(joining)) room = opened
      }
      waiting = null
      if (!room) return end(CloseCode.overloaded, 'room is reloading')
      peer = joining
      // A link replaced while this connection was opening must not slip through.
      const current = await this.options.store.getRoom(roomId)
      if (!current || this.options.tokens.roleFor(current, token ?? '') !== role) return end(CloseCode.forbidden, 'link replaced')
      for (const frame of early.splice(0)) receive(frame)
    } catch (error) {
      if (error instanceof RoomCapacityError) return end(CloseCode.overloaded, 'server is at capacity', error.message)
      end(CloseCode.serverError, 'server error', `could not open the room: ${String(error)}`)
    }
  }
}

/** The room id and token of a sync URL; a malformed URL gives an empty room id. */
/**
 * `/sync/<roomId>` is the shared room document; `/sync/<roomId>/private` is the
 * interviewer's private document of that room (its own document in the store).
 */
function parseSyncUrl(url: string | undefined): { roomId: string; docName: string; isPrivate: boolean; token: string | null } {
  try {
    const parsed = new URL(url ?? '/', 'http://localhost')
    const docName = decodeURIComponent(parsed.pathname.slice(SYNC_PATH_PREFIX.length))
    const isPrivate = docName.endsWith(PRIVATE_DOC_SUFFIX)
    const roomId = isPrivate ? docName.slice(0, -PRIVATE_DOC_SUFFIX.length) : docName
    return { roomId, docName, isPrivate, token: parsed.searchParams.get('token') }
  } catch {
    return { roomId: '', docName: '', isPrivate: false, token: null }
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
