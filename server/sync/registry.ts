import type * as Y from 'yjs'
import type { RoomStore } from '../store/room-store'
import { docFromContent } from '../store/room-content'
import { CloseCode } from '../../lib/sync/protocol'
import { resolveLimits, type SyncLimits } from './limits'
import { Room } from './room'
import type { WriteQueue } from './write-queue'

export interface RegistryOptions {
  store: RoomStore
  writer: WriteQueue
  unloadAfterMs: number
  snapshotEvery: number
  /** Limits of rooms and their connections; SYNC_LIMIT_DEFAULTS for what is not given. */
  limits?: Partial<SyncLimits>
  /** Runs on a freshly loaded document, e.g. to migrate it; returns an update to store, if any. */
  prepareDoc?: (doc: Y.Doc) => Uint8Array | null
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
    const { doc, storedBytes } = docFromContent(content)
    let documentBytes = storedBytes
    // A snapshot with nothing after it is the document as one update: the first reply needs no encoding.
    let encoded = content.updates.length === 0 ? content.snapshot?.data : undefined
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      // Stored before updates were validated; a room holds no pending structs (see Room.apply).
      this.options.log?.(`room ${roomId} loaded with changes that can never integrate; they are left out`)
      doc.store.pendingStructs = null
      doc.store.pendingDs = null
      encoded = undefined
    }
    let lastSeq = content.updates.at(-1)?.seq ?? content.snapshot?.upToSeq ?? 0
    let updatesSinceSnapshot = content.updates.length
    const migration = this.options.prepareDoc?.(doc)
    if (migration) {
      lastSeq = await writer.write(roomId, migration)
      updatesSinceSnapshot += 1
      documentBytes += migration.byteLength
    }
    if (migration) encoded = undefined
    const room: Room = new Room(roomId, doc, { lastSeq, updatesSinceSnapshot, documentBytes, encoded }, {
      store,
      writer,
      limits: this.limits,
      log: this.options.log,
      snapshotEvery: this.options.snapshotEvery,
      onEmpty: (r) => this.scheduleUnload(r),
      onFailed: (r, error) => {
        this.options.log?.(`room ${roomId} failed to store an update: ${String(error)}`)
        this.forget(r)
        r.destroy(CloseCode.serverError, 'could not store the change')
      },
    })
    this.loaded.set(roomId, room)
    return room
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
