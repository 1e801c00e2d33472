const KiB = 1024
const MiB = 1024 * KiB

/**
 * What one connection, one room and one process may cost. Every limit ends only the
 * connection that crossed it; the close code says which (see CloseCode).
 */
export interface SyncLimits {
  /** Largest frame, in bytes; a larger one closes with 4413. Holds a large paste of shapes. */
  maxMessageBytes: number
  /** Sustained frames per second per connection; past the burst, the connection closes with 4429. */
  messagesPerSecond: number
  /** Frames a connection may send at once (a 120 Hz drag sends an update and a save check a frame). */
  messageBurst: number
  /** A frame counts as one message per started block of this many bytes, so bytes are rate limited too. */
  bytesPerMessage: number
  /** Frames a connection may send before its room has loaded; more close with 4429. */
  maxFramesBeforeLoad: number
  /** Bytes a connection may send before its room has loaded; more close with 4429. */
  maxBytesBeforeLoad: number
  /** Connections per room; one more is refused with 4503 (y-websocket retries later). */
  maxConnectionsPerRoom: number
  /** Rooms loaded in this process; opening one more is refused with 4503. */
  maxLoadedRooms: number
  /** Encoded size of a room's document; an update that would grow it past closes with 4413. */
  maxDocumentBytes: number
  /** Structs (inserted runs) in one update; more close with 4413. */
  maxUpdateStructs: number
  /** Delete ranges in one update; more close with 4413. */
  maxUpdateDeleteRanges: number
  /** Clients in one state vector (sync step 1); more close with 4413. */
  maxStateVectorClients: number
  /** Nesting of a value (object, array, JSON) inside an update or an awareness state. */
  maxValueDepth: number
  /** Updates a connection may send ahead of its initial sync (they wait for its sync step 2). */
  maxHeldUpdates: number
  /** Largest awareness (presence) frame; a larger one closes with 4413. */
  maxAwarenessBytes: number
  /** Awareness client ids one connection may announce over its life (one per tab is normal). */
  maxAwarenessClientsPerConnection: number
  /** Update frames a reviewer may send (they are ignored); one more closes with 4403. */
  maxReviewerUpdates: number
  /** Bytes waiting to be sent to a connection that does not read; more close it with 4503. */
  maxBufferedBytes: number
}

export const SYNC_LIMIT_DEFAULTS: SyncLimits = {
  maxMessageBytes: 8 * MiB,
  messagesPerSecond: 300,
  messageBurst: 600,
  bytesPerMessage: 64 * KiB,
  maxFramesBeforeLoad: 256,
  maxBytesBeforeLoad: 8 * MiB,
  maxConnectionsPerRoom: 50,
  maxLoadedRooms: 5_000,
  maxDocumentBytes: 32 * MiB,
  maxUpdateStructs: 250_000,
  maxUpdateDeleteRanges: 500_000,
  maxStateVectorClients: 100_000,
  maxValueDepth: 128,
  maxHeldUpdates: 256,
  maxAwarenessBytes: 1 * MiB,
  maxAwarenessClientsPerConnection: 8,
  maxReviewerUpdates: 20,
  maxBufferedBytes: 64 * MiB,
}

/** The limits with every value not given taken from the defaults. */
export function resolveLimits(given: Partial<SyncLimits> = {}): SyncLimits {
  const limits = { ...SYNC_LIMIT_DEFAULTS }
  for (const key of Object.keys(limits) as Array<keyof SyncLimits>) {
    const value = given[key]
    if (value !== undefined) limits[key] = value
  }
  return limits
}

/** What a frame of `bytes` bytes costs against the rate limit, in messages. */
export function messageCost(bytes: number, limits: Pick<SyncLimits, 'bytesPerMessage'>): number {
  return Math.max(1, Math.ceil(bytes / limits.bytesPerMessage))
}

/**
 * A token bucket: holds up to `capacity` tokens and refills `perSecond` a second; a frame
 * that finds too few tokens is refused.
 */
export class TokenBucket {
  private tokens: number
  private refilledAt: number

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity
    this.refilledAt = now()
  }

  /** Takes `cost` tokens (a cost above the capacity takes a full bucket); false, taking none, when too few are left. */
  take(cost: number): boolean {
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond)
    this.refilledAt = now
    const taken = Math.min(cost, this.capacity)
    if (taken > this.tokens) return false
    this.tokens -= taken
    return true
  }
}
