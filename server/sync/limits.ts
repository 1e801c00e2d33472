const KiB = 1024
const MiB = 1024 * KiB

/**
 * What one connection, one room and one process may cost. Every limit ends only the
 * connection that crossed it; the close code says which (see CloseCode).
 */
export interface SyncLimits {
  /** Largest frame, in bytes; a larger one closes with 4413. Holds a large paste of shapes. */
  maxMessageBytes: number
  /**
   * Sustained messages per second per connection; past the burst, the connection closes with
   * 4429. A tldraw drag sends an update and a save check per frame, at up to 120 Hz.
   */
  messagesPerSecond: number
  /** Messages a connection may send at once, above the sustained rate. */
  messageBurst: number
  /**
   * A frame counts as one message per started block of this many bytes, so bytes are limited
   * too; a request for the document (sync step 1) also counts the document's size. A presence
   * frame counts 1/20 (stock y-websocket clients echo everyone's presence), or its bytes.
   */
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
  /** Nesting of a value (object, array, JSON) in an update or a presence state; deeper closes with 4400. */
  maxValueDepth: number
  /**
   * Updates that build on changes the room lacks which a connection may send before its sync
   * step 2 (which carries those changes); they wait for it, together at most maxMessageBytes.
   * More close with 4429; after its sync step 2, such an update closes with 4400.
   */
  maxHeldUpdates: number
  /** Largest awareness (presence) frame; a larger one closes with 4413. */
  maxAwarenessBytes: number
  /**
   * Presence (awareness) client ids one connection may set over its life: a tab sets one; the
   * echoes of others' presence that stock clients send change nothing and do not count.
   */
  maxAwarenessClientsPerConnection: number
  /** Update frames a reviewer may send (they are ignored); one more closes with 4403. */
  maxReviewerUpdates: number
  /** Bytes waiting to be sent to a connection that does not read; past it, the connection is dropped (it resyncs on reconnect). */
  maxBufferedBytes: number
}

export const SYNC_LIMIT_DEFAULTS: Readonly<SyncLimits> = {
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
