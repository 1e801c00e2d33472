import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, MessageType, ROLE_REFUSAL_REASON, type Role } from '../../lib/sync/protocol'
import type { DocPlace } from '../../lib/room-doc/permissions'
import type { RoomStore } from '../store/room-store'
import { serverDoc } from '../store/server-doc'
import { messageCost, type SyncLimits } from './limits'
import { InvalidPayload, inspectStateVector, inspectUpdate, readAwarenessUpdate } from './validate-update'
import { DocOutline } from './doc-outline'
import { UpdateLog } from './update-log'
import { findForbiddenWrite } from './write-guard'
import type { Compactor } from './compactor'
import type { WriteQueue } from './write-queue'

/** The least a transport must offer; tests drive rooms through in-memory sockets. */
export interface SyncSocket {
  send(data: Uint8Array): void
  close(code: number, reason: string): void
}

export interface Peer {
  readonly socket: SyncSocket
  readonly role: Role
  /** Awareness client ids this connection announced; removed when it leaves. */
  readonly awarenessIds: Set<number>
}

/**
 * A frame that ends only its sending connection: `code` and `reason` go to the client,
 * `message` (which never holds the token) to the log.
 */
export class ConnectionError extends Error {
  constructor(
    readonly code: CloseCode,
    readonly reason: string,
    message: string = reason,
  ) {
    super(message)
  }
}

/** A frame the protocol does not allow. */
export class ProtocolError extends ConnectionError {
  constructor(message: string) {
    super(CloseCode.badMessage, 'malformed message', message)
  }
}

/** One message of the sync protocol, read whole before anything acts on it. */
export type SyncMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'update'; update: Uint8Array; step2: boolean }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  | { type: 'saveCheck'; check: number }
  | { type: 'time'; sentAt: number }

/** Reads a frame; throws ProtocolError for an unknown type, a truncated frame or trailing bytes. */
export function readSyncMessage(frame: Uint8Array): SyncMessage {
  const decoder = decoding.createDecoder(frame)
  let message: SyncMessage
  try {
    message = readMessageBody(decoder)
  } catch (error) {
    if (error instanceof ConnectionError) throw error
    throw new ProtocolError(`undecodable frame: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message')
  return message
}

function readMessageBody(decoder: decoding.Decoder): SyncMessage {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.sync: {
      const syncType = decoding.readVarUint(decoder)
      if (syncType === syncProtocol.messageYjsSyncStep1) return { type: 'syncStep1', stateVector: decoding.readVarUint8Array(decoder) }
      if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
        return { type: 'update', update: decoding.readVarUint8Array(decoder), step2: syncType === syncProtocol.messageYjsSyncStep2 }
      }
      throw new ProtocolError(`unknown sync message ${syncType}`)
    }
    case MessageType.awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.queryAwareness:
      return { type: 'queryAwareness' }
    case MessageType.saveCheck:
      return { type: 'saveCheck', check: decoding.readVarUint(decoder) }
    case MessageType.time:
      return { type: 'time', sentAt: decoding.readFloat64(decoder) }
    default:
      throw new ProtocolError(`unknown message type ${type}`)
  }
}

/** What a presence frame costs at least, in messages. */
const PRESENCE_COST = 1 / 20

export interface RoomDeps {
  store: RoomStore
  writer: WriteQueue
  limits: SyncLimits
  /** Write a snapshot after this many stored updates. */
  snapshotEvery: number
  onEmpty(room: Room): void
  onFailed(room: Room, error: unknown): void
  /**
   * The places of the document a role may not write, or null when it may write anywhere it
   * can connect. An update that touches one is refused whole and ends its connection (4403).
   */
  forbiddenFor?: (role: Role) => ((place: DocPlace) => boolean) | null
  /**
   * False only where no role's forbidden places can be, at the place or beneath it (e.g.
   * mayHoldInterviewerOnly); the room's outline remembers where items sit only where this
   * holds. Absent: every place may matter when forbiddenFor is given, none otherwise.
   */
  mayMatter?: (place: DocPlace) => boolean
  /**
   * With a positive value the room holds no Y.Doc, only its encoding and a DocOutline, from
   * just after loading; a change the outline cannot vouch for makes it build the Y.Doc, which
   * it keeps for this many milliseconds. 0 or absent: the room always keeps a Y.Doc.
   */
  hibernateAfterMs?: number
  /**
   * Folds the changes of a room without a Y.Doc into its encoding for snapshots, off the event
   * loop. Absent: the room merges them on the event loop (Y.mergeUpdates, and a Y.Doc when the
   * merged encoding grew a quarter past its compacted size).
   */
  compactor?: Compactor
  /** Told, for each update, the milliseconds from applying it to sending it to the room (benchmarks). */
  onRelayed?: (ms: number) => void
  log?: (message: string) => void
}

export interface LoadedRoomState {
  lastSeq: number
  updatesSinceSnapshot: number
  /** Bytes the stored document takes at most (its snapshot and updates); measured when it matters. */
  documentBytes: number
  /** The document as one update, when the load had it at hand (a snapshot with nothing after it). */
  encoded?: Uint8Array
}

/** What the room keeps about one connection. */
interface Session {
  /** Its sync step 2 arrived: the server has everything the client had when it connected. */
  synced: boolean
  /** Its updates that build on changes its sync step 2 will bring, in arrival order. */
  held: Uint8Array[]
  heldBytes: number
  /** Update frames a reviewer sent (ignored). */
  reviewerUpdates: number
  /** Every presence client id it ever set. */
  announced: Set<number>
}

/**
 * One loaded room: its document, its awareness and its connections. Every document change
 * is validated before it touches the document and stored before it is sent to anyone else;
 * writes and broadcasts run in one chain per room so they keep their order.
 */
export class Room {
  readonly awareness: awarenessProtocol.Awareness
  private readonly sessions = new Map<Peer, Session>()
  private tail: Promise<void> = Promise.resolve()
  private lastSeq: number
  private updatesSinceSnapshot: number
  /** Stored updates after which the next snapshot is due: snapshotEvery, give or take a quarter. */
  private snapshotAfter: number
  private snapshotQueued = false
  /** The snapshot being folded by the compactor and stored, until it is. */
  private snapshotting: Promise<void> | null = null
  private estimatedBytes: number
  /** Bytes added to the estimate since the document was last measured exactly. */
  private unmeasuredBytes: number
  /**
   * With a Y.Doc: the whole document as one update, until it next changes (every new client
   * asks for all of it, and encoding a large board takes longer than sending it). Without: the
   * document's encoding, to which `pendingUpdates` are still to be merged.
   */
  private encoded: Uint8Array | null
  /** Changes accepted through the outline since `encoded` was last merged. */
  private pendingUpdates = new UpdateLog()
  /**
   * Changes before `pendingUpdates` that the compactor is folding into `encoded` for a
   * snapshot; null when there are none, or once the room merged them itself (it needed the
   * encoding first), and the compactor's result no longer replaces `encoded`.
   */
  private snapshotCut: Uint8Array[] | null = null
  /** Size of `encoded` when a Y.Doc last wrote it, without the history mergeUpdates keeps (rooms without a compactor). */
  private compactedBytes = 0
  /**
   * The document, or null while the room hibernates: it then keeps `encoded` and an outline
   * (a fraction of the memory a Y.Doc takes), accepts ordinary changes through the outline,
   * and builds the Y.Doc again only for a change the outline cannot vouch for.
   */
  private live: Y.Doc | null
  private outline: DocOutline | null = null
  /** Changes accepted through the outline and through a Y.Doc, and Y.Docs built after loading. */
  readonly counts = { throughOutline: 0, throughDoc: 0, docBuilds: 0 }
  private hibernateTimer: NodeJS.Timeout | null = null
  private failed = false
  private destroyed = false

  constructor(
    readonly roomId: string,
    doc: Y.Doc,
    state: LoadedRoomState,
    private readonly deps: RoomDeps,
  ) {
    this.lastSeq = state.lastSeq
    this.updatesSinceSnapshot = state.updatesSinceSnapshot
    this.snapshotAfter = jittered(deps.snapshotEvery)
    this.estimatedBytes = state.documentBytes
    this.unmeasuredBytes = state.documentBytes
    this.encoded = state.encoded ?? null
    // Presence needs a document only for a client id of its own; not the room's content.
    this.awareness = new awarenessProtocol.Awareness(serverDoc(`presence of ${roomId}`))
    this.awareness.setLocalState(null)
    this.live = doc
    this.watch(doc)
    this.awareness.on('update', this.onAwarenessUpdate)
    // Right after loading (and a migration, run on the live document): nothing needs it.
    this.scheduleHibernation(0)
  }

  /** The room's document, rebuilt from its encoding if the room hibernates. */
  get doc(): Y.Doc {
    if (this.live) return this.live
    const doc = serverDoc(this.roomId)
    Y.applyUpdate(doc, this.encodeDocument())
    this.counts.docBuilds += 1
    this.live = doc
    this.outline = null
    this.watch(doc)
    this.scheduleHibernation()
    return doc
  }

  /** True while the room keeps only its encoding. */
  get hibernating(): boolean {
    return this.live === null
  }

  private watch(doc: Y.Doc): void {
    doc.on('update', this.forgetEncoding)
    doc.on('update', this.onDocUpdate)
  }

  /** Frees the Y.Doc after `delay` ms, unless the room keeps one (hibernateAfterMs 0). */
  private scheduleHibernation(delay = this.deps.hibernateAfterMs ?? 0): void {
    if (!this.deps.hibernateAfterMs || this.hibernateTimer || this.destroyed) return
    this.hibernateTimer = setTimeout(() => this.hibernate(), delay)
    this.hibernateTimer.unref()
  }

  /**
   * Keeps the document's encoding and outline and frees the Y.Doc. Writes in flight carry their
   * own bytes, and the encoding holds every change applied so far, so nothing waits for them.
   */
  private hibernate(): void {
    this.hibernateTimer = null
    if (this.failed || this.destroyed || !this.live) return
    const doc = this.live
    this.encodeDocument()
    this.compactedBytes = this.encoded!.byteLength
    this.pendingUpdates.clear()
    this.outline = DocOutline.of(doc, this.placesThatMatter)
    doc.off('update', this.forgetEncoding)
    doc.off('update', this.onDocUpdate)
    doc.destroy()
    this.live = null
  }

  private get placesThatMatter(): (place: DocPlace) => boolean {
    return this.deps.mayMatter ?? (this.deps.forbiddenFor ? () => true : () => false)
  }

  get connectionCount(): number {
    return this.sessions.size
  }

  /** An upper bound of the document's encoded size, in bytes. */
  get documentBytes(): number {
    return this.estimatedBytes
  }

  /** Adds a connection; false when the room was unloaded meanwhile (open it again). */
  join(peer: Peer): boolean {
    if (this.destroyed) return false
    this.sessions.set(peer, { synced: false, held: [], heldBytes: 0, reviewerUpdates: 0, announced: new Set() })
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MessageType.sync)
    if (this.live) syncProtocol.writeSyncStep1(step1, this.live)
    else {
      encoding.writeVarUint(step1, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(step1, this.outline!.encodeStateVector())
    }
    peer.socket.send(encoding.toUint8Array(step1))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      peer.socket.send(this.encodeAwareness([...states.keys()]))
    }
    return true
  }

  leave(peer: Peer): void {
    if (!this.sessions.delete(peer)) return
    const owned = [...peer.awarenessIds]
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, null)
    if (this.sessions.size === 0) this.deps.onEmpty(this)
  }

  /**
   * What a frame costs against its connection's rate limit, in messages: its size, and for a
   * request of the document (sync step 1) the size of the reply.
   */
  frameCost(frame: Uint8Array): number {
    const { limits } = this.deps
    // Stock y-websocket clients echo the presence of everyone in the room: presence is cheap.
    if (frame[0] === MessageType.awareness) return Math.max(PRESENCE_COST, frame.byteLength / limits.bytesPerMessage)
    const cost = messageCost(frame.byteLength, limits)
    const asksForDocument = frame[0] === MessageType.sync && frame[1] === syncProtocol.messageYjsSyncStep1
    return asksForDocument ? cost + messageCost(this.estimatedBytes, limits) : cost
  }

  /** Handles one frame; throws ConnectionError for a frame that must end the connection. */
  receive(peer: Peer, frame: Uint8Array): void {
    const session = this.sessions.get(peer)
    if (this.failed || !session) return
    const message = readSyncMessage(frame)
    switch (message.type) {
      case 'syncStep1': {
        const { stateVector } = message
        checked(() => inspectStateVector(stateVector, this.deps.limits))
        // Only send what is stored, so nothing a client sees can be lost by a crash.
        this.afterWrites(peer, () => peer.socket.send(this.syncStep2(stateVector)))
        break
      }
      case 'update':
        if (peer.role === 'reviewer') {
          session.reviewerUpdates += 1
          if (session.reviewerUpdates > this.deps.limits.maxReviewerUpdates) {
            throw new ConnectionError(CloseCode.forbidden, 'reviewers cannot edit', 'a reviewer kept sending changes')
          }
          break
        }
        this.receiveUpdate(peer, session, message.update, message.step2)
        break
      case 'awareness':
        this.receiveAwareness(peer, session, message.update)
        break
      case 'saveCheck': {
        const { check } = message
        this.afterWrites(peer, () => this.answerSaveCheck(peer, check))
        break
      }
      case 'time': {
        const reply = encoding.createEncoder()
        encoding.writeVarUint(reply, MessageType.time)
        encoding.writeFloat64(reply, message.sentAt)
        encoding.writeFloat64(reply, Date.now())
        peer.socket.send(encoding.toUint8Array(reply))
        break
      }
      case 'queryAwareness':
        peer.socket.send(this.encodeAwareness([...this.awareness.getStates().keys()]))
        break
    }
  }

  /** Closes every connection of `role`, e.g. after its link was replaced. */
  closeRole(role: Role, code: CloseCode, reason: string): void {
    for (const peer of [...this.sessions.keys()]) if (peer.role === role) peer.socket.close(code, reason)
  }

  /** Resolves once every change made so far is stored and broadcast. */
  settled(): Promise<void> {
    return this.tail
  }

  /** Writes a snapshot if updates were stored since the last one. */
  async snapshotIfStale(): Promise<void> {
    await this.tail
    while (this.snapshotting) await this.snapshotting
    await this.snapshot()
  }

  /** Closes every connection and frees the document. */
  destroy(code: number, reason: string): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const peer of [...this.sessions.keys()]) peer.socket.close(code, reason)
    this.sessions.clear()
    if (this.hibernateTimer) clearTimeout(this.hibernateTimer)
    if (this.live) {
      this.live.off('update', this.forgetEncoding)
      this.live.off('update', this.onDocUpdate)
      this.live.destroy()
      this.live = null
    }
    this.outline = null
    this.pendingUpdates.clear()
    this.snapshotCut = null
    this.encoded = null
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
  }

  private receiveUpdate(peer: Peer, session: Session, update: Uint8Array, step2: boolean): void {
    const outline = this.outline
    const stateOf = outline ? (client: number) => outline.stateOf(client) : (client: number) => Y.getState(this.doc.store, client)
    const shape = checked(() => inspectUpdate(update, stateOf, this.deps.limits))
    if (shape.missing) {
      // A client that edits while it connects sends those edits before its sync step 2,
      // which carries the offline edits they build on.
      if (step2 || session.synced) throw new ProtocolError('an update that depends on changes the room does not have')
      session.held.push(update)
      session.heldBytes += update.byteLength
      if (session.held.length > this.deps.limits.maxHeldUpdates || session.heldBytes > this.deps.limits.maxMessageBytes) {
        throw new ConnectionError(CloseCode.rateLimited, 'too many messages', 'too many updates ahead of its sync step 2')
      }
      return
    }
    if (outline && this.applyToOutline(outline, peer, update)) this.counts.throughOutline += 1
    else {
      this.checkPermission(peer, update)
      this.apply(peer, update)
      this.counts.throughDoc += 1
    }
    if (step2 && !session.synced) {
      session.synced = true
      const held = session.held.splice(0)
      session.heldBytes = 0
      for (const early of held) this.receiveUpdate(peer, session, early, false)
    }
  }

  /**
   * Accepts an update through the outline, without a Y.Doc; false when the outline cannot
   * vouch for it or it touches a place the peer's role may not write, and the document decides.
   */
  private applyToOutline(outline: DocOutline, peer: Peer, update: Uint8Array): boolean {
    let plan
    try {
      plan = outline.plan(update)
    } catch {
      return false
    }
    if (!plan) return false
    const forbidden = this.deps.forbiddenFor?.(peer.role)
    if (forbidden && (plan.writes.some(forbidden) || plan.deletes.some(forbidden))) return false
    if (!plan.changes) return true
    this.ensureRoomFor(update.byteLength)
    outline.commit(plan)
    this.pendingUpdates.append(update)
    this.onDocUpdate(update, peer)
    return true
  }

  /** Refuses (4403) an update that writes where the peer's role may not. */
  private checkPermission(peer: Peer, update: Uint8Array): void {
    const forbidden = this.deps.forbiddenFor?.(peer.role)
    if (!forbidden) return
    const place = checked(() => findForbiddenWrite(this.doc, update, forbidden))
    if (!place) return
    const where = [place.root, ...place.keys.map((key) => key ?? '#')].join('/')
    throw new ConnectionError(CloseCode.forbidden, ROLE_REFUSAL_REASON, `a ${peer.role} tried to change ${where}`)
  }

  private apply(peer: Peer, update: Uint8Array): void {
    this.ensureRoomFor(update.byteLength)
    const { store } = this.doc
    try {
      Y.applyUpdate(this.doc, update, peer)
    } catch (error) {
      // What Yjs integrated before it threw is a valid change: it is stored, then broadcast.
      this.dropPending()
      throw new ProtocolError(`Yjs could not apply an update: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (store.pendingStructs || store.pendingDs) {
      this.dropPending()
      throw new ProtocolError('an update that could not be integrated whole')
    }
  }

  /** Pending structs are invisible, never stored and never integrable here: forget them. */
  private dropPending(): void {
    this.doc.store.pendingStructs = null
    this.doc.store.pendingDs = null
  }

  /** Throws (4413) when `bytes` more would grow the document past its limit. */
  private ensureRoomFor(bytes: number): void {
    const max = this.deps.limits.maxDocumentBytes
    if (this.estimatedBytes + bytes <= max) return
    // Measuring encodes the whole document: do it only when the estimate may be well off.
    if (this.unmeasuredBytes > max / 64) this.encodeDocument()
    if (this.estimatedBytes + bytes > max) {
      throw new ConnectionError(CloseCode.tooLarge, 'document too large', `the document would grow past ${max} bytes`)
    }
  }

  /** The whole document as one update (encoded again only after it changed); measures the document on the way. */
  private encodeDocument(): Uint8Array {
    if (this.live) this.encoded ??= Y.encodeStateAsUpdate(this.live)
    else if (this.snapshotCut || this.pendingUpdates.count > 0) {
      this.encoded = Y.mergeUpdates([this.encoded!, ...(this.snapshotCut ?? []), ...this.pendingUpdates.updates()])
      this.snapshotCut = null
      this.pendingUpdates.clear()
    }
    if (!this.encoded) throw new Error(`room ${this.roomId} has neither a document nor its encoding`)
    this.estimatedBytes = this.encoded.byteLength
    this.unmeasuredBytes = 0
    return this.encoded
  }

  private readonly forgetEncoding = (): void => {
    this.encoded = null
  }

  /**
   * encodeDocument, and without a Y.Doc, once merged updates (which keep the content of what
   * later changes deleted) have made the encoding a quarter larger than a Y.Doc would write
   * it, writes it through one.
   */
  private compactEncoding(): Uint8Array {
    const encoded = this.encodeDocument()
    if (this.live || encoded.byteLength <= this.compactedBytes * 1.25 + 1024) return encoded
    const doc = serverDoc(this.roomId)
    Y.applyUpdate(doc, encoded)
    this.encoded = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    this.compactedBytes = this.encoded.byteLength
    this.estimatedBytes = this.encoded.byteLength
    return this.encoded
  }

  /**
   * Sync step 2 for a client's state vector. A client with nothing gets the kept encoding of the
   * whole document; for any other, Yjs encodes only what it lacks, which is cheaper than
   * diffing the kept encoding (Y.diffUpdate decodes all of it).
   */
  private syncStep2(stateVector: Uint8Array): Uint8Array {
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, MessageType.sync)
    if (Y.decodeStateVector(stateVector).size > 0) {
      if (this.live) syncProtocol.writeSyncStep2(reply, this.live, stateVector)
      else {
        encoding.writeVarUint(reply, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(reply, Y.diffUpdate(this.encodeDocument(), stateVector))
      }
    } else {
      encoding.writeVarUint(reply, syncProtocol.messageYjsSyncStep2)
      encoding.writeVarUint8Array(reply, this.encodeDocument())
    }
    return encoding.toUint8Array(reply)
  }

  private receiveAwareness(peer: Peer, session: Session, update: Uint8Array): void {
    const entries = checked(() => readAwarenessUpdate(update, this.deps.limits))
    // Stock y-websocket clients echo every presence change they receive; only entries that
    // advance a client's clock change anything, and those decide who owns a client id.
    const changes = entries.filter(({ clientId, clock, state }) => {
      const current = this.awareness.meta.get(clientId)?.clock ?? 0
      return current < clock || (current === clock && state === null && this.awareness.states.has(clientId))
    })
    const announced = new Set(session.announced)
    for (const { clientId, state } of changes) if (state !== null) announced.add(clientId)
    if (announced.size > this.deps.limits.maxAwarenessClientsPerConnection) {
      throw new ProtocolError(`presence for more than ${this.deps.limits.maxAwarenessClientsPerConnection} clients`)
    }
    session.announced = announced
    for (const { clientId, state } of changes) {
      // The latest connection to advance an id owns it (a reconnecting tab overlaps its old connection).
      for (const other of this.sessions.keys()) other.awarenessIds.delete(clientId)
      if (state !== null) peer.awarenessIds.add(clientId)
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer)
  }

  private afterWrites(peer: Peer, fn: () => void): void {
    this.tail = this.tail.then(() => {
      if (this.failed || !this.sessions.has(peer)) return
      try {
        fn()
      } catch (error) {
        this.deps.log?.(`closing a connection to room ${this.roomId}: could not answer it: ${String(error)}`)
        peer.socket.close(CloseCode.serverError, 'server error')
      }
    })
  }

  private answerSaveCheck(peer: Peer, check: number): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saveCheck)
    encoding.writeVarUint(encoder, check)
    peer.socket.send(encoding.toUint8Array(encoder))
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const appliedAt = this.deps.onRelayed ? performance.now() : 0
    this.estimatedBytes += update.byteLength
    this.unmeasuredBytes += update.byteLength
    const stored = this.deps.writer.write(this.roomId, update)
    this.tail = this.tail.then(
      () =>
        stored.then((seq) => {
          this.afterStored(update, origin, seq)
          this.deps.onRelayed?.(performance.now() - appliedAt)
        }),
      // An earlier failure already failed the room.
      () => undefined,
    ).catch((error: unknown) => this.fail(error))
  }

  private afterStored(update: Uint8Array, origin: unknown, seq: number): void {
    if (this.failed) return
    this.lastSeq = seq
    this.updatesSinceSnapshot += 1
    const frame = broadcastFrame(update)
    for (const peer of this.sessions.keys()) if (peer !== origin) peer.socket.send(frame)
    if (this.updatesSinceSnapshot >= this.snapshotAfter && !this.snapshotQueued && !this.snapshotting) {
      // Off the broadcast path: the snapshot covers whatever is stored when its turn comes.
      this.snapshotQueued = true
      this.deps.writer.later(async () => {
        // The writer's chain goes on while a compactor folds; the snapshot is stored when it is done.
        this.snapshot().catch((error: unknown) => this.fail(error))
      })
    }
  }

  /** Stores the document as a snapshot if updates were stored since the last one. */
  private snapshot(): Promise<void> {
    this.snapshotQueued = false
    if (this.snapshotting) return this.snapshotting
    if (this.updatesSinceSnapshot === 0 || this.failed || this.destroyed) return Promise.resolve()
    // The document holds every stored update (and maybe some not yet stored, which replay harmlessly).
    const upToSeq = this.lastSeq
    this.updatesSinceSnapshot = 0
    this.snapshotAfter = jittered(this.deps.snapshotEvery)
    const compactor = this.deps.compactor
    if (this.live || !compactor) return this.deps.store.writeSnapshot(this.roomId, this.compactEncoding(), upToSeq)
    const snapshotting = this.foldChanges(compactor)
      .then((data) => new Promise<void>((resolve, reject) => this.deps.writer.later(() => this.deps.store.writeSnapshot(this.roomId, data, upToSeq).then(resolve, reject))))
      .finally(() => {
        this.snapshotting = null
      })
    this.snapshotting = snapshotting
    return snapshotting
  }

  /**
   * The document's encoding with every change so far folded in by the compactor. Changes that
   * arrive meanwhile wait in a fresh `pendingUpdates`; the result becomes the room's encoding
   * unless the room merged the changes itself first.
   */
  private async foldChanges(compactor: Compactor): Promise<Uint8Array> {
    const base = this.encoded
    if (!base) throw new Error(`room ${this.roomId} has neither a document nor its encoding`)
    const cut = [...(this.snapshotCut ?? []), ...this.pendingUpdates.updates()]
    // The views stay valid: nothing appends to that log again.
    this.pendingUpdates = new UpdateLog()
    this.snapshotCut = cut
    const encoded = await compactor.fold(this.roomId, base, cut)
    if (this.snapshotCut === cut && this.encoded === base && !this.live && !this.destroyed) {
      this.snapshotCut = null
      this.encoded = encoded
    }
    return encoded
  }

  private fail(error: unknown): void {
    if (this.failed) return
    this.failed = true
    this.deps.onFailed(this, error)
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const frame = this.encodeAwareness(changed)
    for (const peer of this.sessions.keys()) peer.socket.send(frame)
  }

  private encodeAwareness(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(encoder)
  }
}

/**
 * The sync frame that carries `update` to clients. Buffer.allocUnsafe takes small frames from
 * Node's shared pool: a lib0 encoder allocated two buffers of their own per update, each an
 * ArrayBuffer that the young-generation GC frees one by one.
 */
export function broadcastFrame(update: Uint8Array): Uint8Array {
  let lengthBytes = 1
  for (let rest = update.byteLength; rest > 0x7f; rest = Math.floor(rest / 0x80)) lengthBytes++
  const frame = Buffer.allocUnsafe(2 + lengthBytes + update.byteLength)
  frame[0] = MessageType.sync
  frame[1] = syncProtocol.messageYjsUpdate
  let at = 2
  let rest = update.byteLength
  while (rest > 0x7f) {
    frame[at++] = 0x80 | (rest & 0x7f)
    rest = Math.floor(rest / 0x80)
  }
  frame[at++] = rest
  frame.set(update, at)
  return frame
}

/** How far a room's snapshot interval strays from snapshotEvery, either way. */
const SNAPSHOT_JITTER = 0.25

/** `every`, give or take SNAPSHOT_JITTER, so that rooms loaded together do not snapshot together. */
function jittered(every: number): number {
  return Math.max(1, Math.round(every * (1 - SNAPSHOT_JITTER + Math.random() * 2 * SNAPSHOT_JITTER)))
}

/** The most updates a room stores between two snapshots when it snapshots every `every` (jittered). */
export function mostUpdatesBetweenSnapshots(every: number): number {
  return Math.max(1, Math.round(every * (1 + SNAPSHOT_JITTER)))
}

/** Runs a payload check, turning InvalidPayload into the close it calls for. */
function checked<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (!(error instanceof InvalidPayload)) throw new ProtocolError(`undecodable payload: ${String(error)}`)
    if (error.tooLarge) throw new ConnectionError(CloseCode.tooLarge, 'message too large', error.message)
    throw new ProtocolError(error.message)
  }
}
