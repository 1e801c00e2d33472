import type * as Y from 'yjs'
import type { RoomStore } from '../store/room-store'
import { docFromContent } from '../store/room-content'
import { CloseCode } from '../../lib/sync/protocol'
import { resolveLimits, type SyncLimits } from './limits'
import { mostUpdatesBetweenSnapshots, Room, type RoomDeps } from './room'
import { answersFromStore, asksForEverything, FIRST_FRAME_WAIT_MS, storedReply, type SnapshotContent, type StoredReply } from './stored-reply'
import type { WriteQueue } from './write-queue'

export interface RegistryOptions {
  store: RoomStore
  writer: WriteQueue
  unloadAfterMs: number
  snapshotEvery: number
  /** Limits of rooms and their connections; SYNC_LIMIT_DEFAULTS for what is not given. */
  limits?: Partial<SyncLimits>
  /**
   * Runs on a freshly loaded room's document, e.g. to migrate it. What it changes is stored and
   * sent like any change: clients answered from the store during the load receive it.
   */
  prepareDoc?: (doc: Y.Doc) => void
  /** What each role may not write in a room's document (see RoomDeps.forbiddenFor). */
  forbiddenFor?: RoomDeps['forbiddenFor']
  /** See RoomDeps.mayMatter. */
  mayMatter?: RoomDeps['mayMatter']
  /** See RoomDeps.hibernateAfterMs. */
  hibernateAfterMs?: number
  /** See RoomDeps.onRelayed. */
  onRelayed?: RoomDeps['onRelayed']
  /** See RoomDeps.compactor. */
  compactor?: RoomDeps['compactor']
  log?: (message: string) => void
}

/** Opening one more room would load more rooms than this process may hold. */
export class RoomCapacityError extends Error {}

/**
 * Loaded rooms by id. Concurrent opens of one room share one load; a room unloads a while
 * after its last connection leaves; an unknown room is never created.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Promise<Room | null>>()
  private readonly loaded = new Map<string, Room>()
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>()
  /** Loads waiting for a client to speak, which may be answered from the store (see answerBeforeLoad). */
  private readonly awaitingFirstFrame = new Map<string, { content: SnapshotContent; spoke: () => void }>()
  private readonly limits: SyncLimits

  constructor(private readonly options: RegistryOptions) {
    this.limits = resolveLimits(options.limits)
  }

  get loadedCount(): number {
    return this.rooms.size
  }

  /**
   * The loaded room, loading it if needed; null when the store has no such room. Rejects
   * with RoomCapacityError when the room is not loaded and maxLoadedRooms are.
   */
  open(roomId: string): Promise<Room | null> {
    let loading = this.rooms.get(roomId)
    if (!loading && this.rooms.size >= this.limits.maxLoadedRooms) {
      return Promise.reject(new RoomCapacityError(`${this.rooms.size} rooms are loaded, the most this process holds`))
    }
    this.cancelUnload(roomId)
    if (!loading) {
      loading = this.load(roomId)
      this.rooms.set(roomId, loading)
      loading.then(
        (room) => room === null && this.rooms.get(roomId) === loading && this.rooms.delete(roomId),
        () => this.rooms.get(roomId) === loading && this.rooms.delete(roomId),
      )
    }
    return loading
  }

  /**
   * For a frame that a client of a loading room sent: the frames that answer it from the store,
   * when it asks for the whole document (a client that has nothing) and the load waits for it;
   * null otherwise, and the loaded room handles the frame. Any frame ends the load's wait, so a
   * client with a state of its own does not wait for the document longer than it must.
   */
  answerBeforeLoad(roomId: string, frame: Uint8Array): StoredReply | null {
    const waiting = this.awaitingFirstFrame.get(roomId)
    if (!waiting) return null
    this.awaitingFirstFrame.delete(roomId)
    waiting.spoke()
    return asksForEverything(frame) ? storedReply(waiting.content) : null
  }

  /** The room if it is loaded, without loading it. */
  loadedRoom(roomId: string): Room | undefined {
    return this.loaded.get(roomId)
  }

  /** Unloads every room after storing its pending writes and a fresh snapshot. */
  async closeAll(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer)
    this.unloadTimers.clear()
    const rooms = await Promise.all([...this.rooms.values()].map((p) => p.catch(() => null)))
    this.rooms.clear()
    this.loaded.clear()
    await Promise.all(
      rooms.map(async (room) => {
        if (!room) return
        await room.snapshotIfStale().catch(() => undefined)
        room.destroy(CloseCode.goingAway, 'server shutting down')
      }),
    )
  }

  private async load(roomId: string): Promise<Room | null> {
    const { store, writer } = this.options
    const content = await store.loadRoomContent(roomId)
    if (!content) return null
    // Building a large document takes longer than a new client takes to ask for it: answer from the store first.
    // The most updates a room leaves after its snapshot; a longer log means a crash before one.
    const usualTail = mostUpdatesBetweenSnapshots(this.options.snapshotEvery)
    if (answersFromStore(content, usualTail)) await this.firstFrame(roomId, content)
    const { doc, storedBytes } = docFromContent(content, roomId)
    // A snapshot with nothing after it is the document as one update: the first reply needs no encoding.
    let encoded = content.updates.length === 0 ? content.snapshot?.data : undefined
    const pending = Boolean(doc.store.pendingStructs || doc.store.pendingDs)
    if (pending) {
      // Stored before updates were validated; a room holds no pending structs (see Room.apply).
      this.options.log?.(`room ${roomId} loaded with changes that can never integrate; they are left out`)
      doc.store.pendingStructs = null
      doc.store.pendingDs = null
      encoded = undefined
    }
    const lastSeq = content.updates.at(-1)?.seq ?? content.snapshot?.upToSeq ?? 0
    // A fresh snapshot leaves pending changes out of what later loads read and answer from the store.
    const updatesSinceSnapshot = pending ? Math.max(1, content.updates.length) : content.updates.length
    const room: Room = new Room(roomId, doc, { lastSeq, updatesSinceSnapshot, documentBytes: storedBytes, encoded }, {
      store,
      writer,
      limits: this.limits,
      onRelayed: this.options.onRelayed,
      compactor: this.options.compactor,
      log: this.options.log,
      forbiddenFor: this.options.forbiddenFor,
      mayMatter: this.options.mayMatter,
      hibernateAfterMs: this.options.hibernateAfterMs,
      snapshotEvery: this.options.snapshotEvery,
      onEmpty: (r) => this.scheduleUnload(r),
      onFailed: (r, error) => {
        this.options.log?.(`room ${roomId} failed to store an update: ${String(error)}`)
        this.forget(r)
        r.destroy(CloseCode.serverError, 'could not store the change')
      },
    })
    try {
      this.options.prepareDoc?.(doc)
    } catch (error) {
      room.destroy(CloseCode.serverError, 'could not open the room')
      throw error
    }
    this.loaded.set(roomId, room)
    // A long log took a while to replay: fold it into a snapshot now, so that a crash before the
    // room's next change or unload does not make the next load replay it all again.
    if (pending || content.updates.length > usualTail) room.snapshotIfStale().catch((error: unknown) => this.options.log?.(`snapshot of ${roomId} failed: ${String(error)}`))
    return room
  }

  /** Resolves once a client of the loading room speaks (see answerBeforeLoad), or after FIRST_FRAME_WAIT_MS. */
  private firstFrame(roomId: string, content: SnapshotContent): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.awaitingFirstFrame.delete(roomId)
        resolve()
      }, FIRST_FRAME_WAIT_MS)
      const spoke = () => {
        clearTimeout(timer)
        resolve()
      }
      this.awaitingFirstFrame.set(roomId, { content, spoke })
    })
  }

  private scheduleUnload(room: Room): void {
    this.cancelUnload(room.roomId)
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.roomId)
      void this.unload(room)
    }, this.options.unloadAfterMs)
    timer.unref()
    this.unloadTimers.set(room.roomId, timer)
  }

  private async unload(room: Room): Promise<void> {
    await room.snapshotIfStale().catch((error: unknown) => this.options.log?.(`snapshot of ${room.roomId} failed: ${String(error)}`))
    // Someone may have joined while the snapshot was written.
    if (room.connectionCount > 0 || this.unloadTimers.has(room.roomId)) return
    this.forget(room)
    room.destroy(CloseCode.goingAway, 'room unloaded')
  }

  private forget(room: Room): void {
    if (this.loaded.get(room.roomId) !== room) return
    this.loaded.delete(room.roomId)
    this.rooms.delete(room.roomId)
  }

  private cancelUnload(roomId: string): void {
    const timer = this.unloadTimers.get(roomId)
    if (timer) clearTimeout(timer)
    this.unloadTimers.delete(roomId)
  }
}
