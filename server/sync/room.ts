import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType, type Role } from '../../lib/sync/protocol'
import type { RoomStore } from '../store/room-store'
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

/** A frame the protocol does not allow; it ends only the sending connection. */
export class ProtocolError extends Error {}

export interface RoomDeps {
  store: RoomStore
  writer: WriteQueue
  /** Write a snapshot after this many stored updates. */
  snapshotEvery: number
  onEmpty(room: Room): void
  onFailed(room: Room, error: unknown): void
}

export interface LoadedRoomState {
  lastSeq: number
  updatesSinceSnapshot: number
}

/**
 * One loaded room: its document, its awareness and its connections. Every document change
 * is stored before it is sent to anyone else; writes and broadcasts run in one chain per
 * room so they keep their order.
 */
export class Room {
  readonly awareness: awarenessProtocol.Awareness
  private readonly peers = new Set<Peer>()
  private tail: Promise<void> = Promise.resolve()
  private lastSeq: number
  private updatesSinceSnapshot: number
  private failed = false
  private destroyed = false

  constructor(
    readonly roomId: string,
    readonly doc: Y.Doc,
    state: LoadedRoomState,
    private readonly deps: RoomDeps,
  ) {
    this.lastSeq = state.lastSeq
    this.updatesSinceSnapshot = state.updatesSinceSnapshot
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null)
    doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  get connectionCount(): number {
    return this.peers.size
  }

  /** Adds a connection; false when the room was unloaded meanwhile (open it again). */
  join(peer: Peer): boolean {
    if (this.destroyed) return false
    this.peers.add(peer)
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MessageType.sync)
    syncProtocol.writeSyncStep1(step1, this.doc)
    peer.socket.send(encoding.toUint8Array(step1))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      peer.socket.send(this.encodeAwareness([...states.keys()]))
    }
    return true
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return
    if (peer.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null)
    }
    if (this.peers.size === 0) this.deps.onEmpty(this)
  }

  /** Handles one frame; throws ProtocolError (or a decoding error) for a bad frame. */
  receive(peer: Peer, frame: Uint8Array): void {
    if (this.failed) return
    const decoder = decoding.createDecoder(frame)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.sync:
        this.receiveSync(peer, decoder)
        break
      case MessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), peer)
        break
      case MessageType.saveCheck: {
        const check = decoding.readVarUint(decoder)
        this.afterWrites(() => this.answerSaveCheck(peer, check))
        break
      }
      case MessageType.time: {
        const sentAt = decoding.readFloat64(decoder)
        const reply = encoding.createEncoder()
        encoding.writeVarUint(reply, MessageType.time)
        encoding.writeFloat64(reply, sentAt)
        encoding.writeFloat64(reply, Date.now())
        peer.socket.send(encoding.toUint8Array(reply))
        break
      }
      case MessageType.queryAwareness:
        peer.socket.send(this.encodeAwareness([...this.awareness.getStates().keys()]))
        break
      default:
        throw new ProtocolError(`unknown message type ${type}`)
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message')
  }

  /** Resolves once every change made so far is stored and broadcast. */
  settled(): Promise<void> {
    return this.tail
  }

  /** Writes a snapshot if updates were stored since the last one. */
  async snapshotIfStale(): Promise<void> {
    await this.tail
    if (this.updatesSinceSnapshot === 0 || this.failed) return
    const upToSeq = this.lastSeq
    await this.deps.store.writeSnapshot(this.roomId, Y.encodeStateAsUpdate(this.doc), upToSeq)
    this.updatesSinceSnapshot = 0
  }

  /** Closes every connection and frees the document. */
  destroy(code: number, reason: string): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const peer of [...this.peers]) peer.socket.close(code, reason)
    this.peers.clear()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }

  private receiveSync(peer: Peer, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder)
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        const stateVector = decoding.readVarUint8Array(decoder)
        Y.decodeStateVector(stateVector) // throws on a malformed vector, before anything is queued
        // Only send what is stored, so nothing a client sees can be lost by a crash.
        this.afterWrites(() => {
          const reply = encoding.createEncoder()
          encoding.writeVarUint(reply, MessageType.sync)
          syncProtocol.writeSyncStep2(reply, this.doc, stateVector)
          peer.socket.send(encoding.toUint8Array(reply))
        })
        break
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder)
        if (peer.role === 'reviewer') break
        Y.applyUpdate(this.doc, update, peer)
        break
      }
      default:
        throw new ProtocolError(`unknown sync message ${syncType}`)
    }
  }

  private afterWrites(fn: () => void): void {
    this.tail = this.tail.then(() => {
      if (!this.failed && this.peers.size > 0) fn()
    })
  }

  private answerSaveCheck(peer: Peer, check: number): void {
    if (!this.peers.has(peer)) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saveCheck)
    encoding.writeVarUint(encoder, check)
    peer.socket.send(encoding.toUint8Array(encoder))
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const stored = this.deps.writer.write(this.roomId, update)
    this.tail = this.tail.then(
      () => stored.then((seq) => this.afterStored(update, origin, seq)),
      // An earlier failure already failed the room.
      () => undefined,
    ).catch((error: unknown) => this.fail(error))
  }

  private async afterStored(update: Uint8Array, origin: unknown, seq: number): Promise<void> {
    if (this.failed) return
    this.lastSeq = seq
    this.updatesSinceSnapshot += 1
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeUpdate(encoder, update)
    const frame = encoding.toUint8Array(encoder)
    for (const peer of this.peers) if (peer !== origin) peer.socket.send(frame)
    if (this.updatesSinceSnapshot >= this.deps.snapshotEvery) {
      this.updatesSinceSnapshot = 0
      await this.deps.store.writeSnapshot(this.roomId, Y.encodeStateAsUpdate(this.doc), seq)
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return
    this.failed = true
    this.deps.onFailed(this, error)
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed]
    if (origin && typeof origin === 'object' && 'awarenessIds' in origin) {
      const peer = origin as Peer
      for (const id of added) peer.awarenessIds.add(id)
      for (const id of removed) peer.awarenessIds.delete(id)
    }
    if (changed.length === 0) return
    const frame = this.encodeAwareness(changed)
    for (const peer of this.peers) peer.socket.send(frame)
  }

  private encodeAwareness(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
    return encoding.toUint8Array(encoder)
  }
}
