/**
 * The IPC messages between the benchmark runner (bench/run.ts), the server under test
 * (bench/our-server.ts or the reference bin with bench/reference-probe.ts) and the load
 * generator (bench/load.ts). Children are spawned with `serialization: 'advanced'`, so
 * Uint8Array travels as it is.
 */

/** A room to connect to: the reference needs no token, ours needs a link token. */
export interface RoomTarget {
  roomId: string
  token: string | null
}

export interface MemoryStats {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /** Bytes V8 holds for its young generation (new space and new large objects), which grows to its limit under load and stays. */
  youngGeneration: number
  /** Rooms our server holds loaded; null for the reference, which does not say. */
  loadedRooms: number | null
}

export type ToServer =
  | { type: 'stats' }
  | { type: 'loop-delay' }
  | { type: 'store-timing' }
  | { type: 'create-rooms'; count: number }

/**
 * Our server's store calls since the previous question (times are the synchronous SQLite work),
 * and its relay time: from applying an update to sending it to the room (stored in between).
 */
export interface StoreTiming {
  relayed: number
  relayP50: number
  relayP99: number
  relayMax: number
  appendCalls: number
  appendedUpdates: number
  appendP50: number
  appendP99: number
  appendMax: number
  snapshots: number
  snapshotMax: number
}

/** Garbage-collection pauses of a process over a window. */
export interface GcPauses {
  count: number
  totalMs: number
  maxMs: number
}

export type FromServer =
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: MemoryStats }
  /** Event-loop delay since the previous question, in ms. */
  | { type: 'loop-delay'; p99: number; max: number; gc: GcPauses }
  | { type: 'store-timing'; timing: StoreTiming }
  | { type: 'rooms'; rooms: RoomTarget[] }

/** What a writer changes per update: a stamp key (fanout) or one shape's position (drag). */
export type WritePattern = 'stamp' | 'drag'

/** One server's rooms in a latency job. */
export interface LatencyTarget {
  name: string
  /** Base URL; a client connects to `${url}/${roomId}`. */
  url: string
  rooms: RoomTarget[]
}

export type LoadJob =
  | {
      /**
       * Every target's clients connect at once; then the targets take turns writing, in
       * slices (A B B A A B ...), so that other work on the machine hits each one alike.
       */
      kind: 'latency'
      targets: LatencyTarget[]
      clientsPerRoom: number
      /**
       * Receivers per room that are y-websocket providers applying every update (checked by
       * content); the room's other receivers are wire clients (see bench/load.ts).
       */
      providerReceivers: number
      /** Updates per second of each room's one writer. */
      rate: number
      /** Writing time per target. */
      durationMs: number
      sliceMs: number
      /** Untimed writing per target before the timed slices; it counts for loss, not latency. */
      warmupMs: number
      write: WritePattern
    }
  | {
      /** Connects one client per room (uploading `upload` if given), holds until released. */
      kind: 'hold'
      url: string
      rooms: RoomTarget[]
      upload: Uint8Array | null
      /** Shapes each room must hold (checked through a fresh connection) before memory is read. */
      expectShapes: number
    }
  | {
      /** Opens `connections` raw connections one after another, timing each initial sync. */
      kind: 'sync-times'
      url: string
      /** Connection i goes to targets[i % targets.length]. */
      targets: RoomTarget[]
      connections: number
      /** Ask the runner to wait until the server unloaded the room between connections. */
      unloadBetween: boolean
      /** A client that stays connected through the series (keeps the room loaded). */
      holder: { room: RoomTarget; upload: Uint8Array | null } | null
      /** Records the first connection's document must hold, as a check. */
      expectShapes: number
    }

export interface LatencyResult {
  name: string
  rooms: number
  clients: number
  connectMs: number
  updatesSent: number
  /** Updates per second actually sent, over all of the target's writers, while it was writing. */
  sentPerSecond: number
  samples: number
  p50: number
  p90: number
  p99: number
  max: number
  /** p99 of the writes made in each timed slice, in order. */
  sliceP99: number[]
  lost: number
  duplicated: number
  reconnects: number
  /** The load generator's CPU and event-loop delay over the whole job (every target). */
  loadCpuPercent: number
  loadLoopDelayP99: number
  loadLoopDelayMax: number
  loadGc: GcPauses
  /** Time this target was writing, after its warm-up. */
  writingMs: number
}

export interface SyncTime {
  /** From creating the socket to receiving sync step 2. */
  totalMs: number
  /** From the socket's open event to receiving sync step 2. */
  fromOpenMs: number
  /** Every frame up to and including sync step 2. */
  bytesReceived: number
}

export interface SyncTimesResult {
  times: SyncTime[]
  firstDocShapes: number
}

export type LoadResult =
  | { kind: 'latency'; results: LatencyResult[] }
  | { kind: 'hold' }
  | { kind: 'sync-times'; result: SyncTimesResult }

export type ToLoad = { type: 'job'; job: LoadJob } | { type: 'release' } | { type: 'unloaded' }

export type FromLoad =
  | { type: 'measuring'; running: boolean }
  | { type: 'held' }
  | { type: 'await-unload' }
  | { type: 'result'; result: LoadResult }
  | { type: 'failed'; message: string }

/** Narrows an IPC message to one with a `type` field; the caller switches on it. */
export function hasType<T extends { type: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string'
}

/** Sends over the IPC channel; a child without one was started by hand and has nobody to tell. */
export function sendToParent(message: FromServer | FromLoad): void {
  process.send?.(message)
}
