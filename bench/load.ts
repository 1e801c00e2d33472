/**
 * The load generator: headless Yjs clients in one process (so every timestamp comes from
 * one clock), driven by the runner over IPC. Started as
 *   node --import tsx bench/load.ts
 * and given one LoadJob; it answers with one LoadResult.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { getRoomRecords, RecordField } from '../lib/room-doc/layout'
import { MessageType } from '../lib/sync/protocol'
import { addShape, countShapes, moveShape } from './board'
import {
  hasType,
  sendToParent,
  type FromLoad,
  type LatencyResult,
  type LatencyTarget,
  type LoadJob,
  type LoadResult,
  type RoomTarget,
  type SyncTime,
  type SyncTimesResult,
  type ToLoad,
} from './messages'
import { LOOP_DELAY_RESOLUTION_MS, loopLateness, percentile, watchGcPauses } from './stats'

type Job<K extends LoadJob['kind']> = Extract<LoadJob, { kind: K }>

const SYNC_TIMEOUT_MS = 60_000
/** Connections opened at once while a scenario sets up. */
const CONNECT_CONCURRENCY = 50
/** After the writers stop, how long the last updates get to arrive. */
const DRAIN_MS = 3_000

const inbox: ToLoad[] = []
const waiters: Array<(message: ToLoad) => void> = []
process.on('message', (message: unknown) => {
  if (!hasType<ToLoad>(message)) return
  const waiter = waiters.shift()
  if (waiter) waiter(message)
  else inbox.push(message)
})

function nextMessage(): Promise<ToLoad> {
  const queued = inbox.shift()
  return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve))
}

async function expectMessage(type: ToLoad['type']): Promise<void> {
  const message = await nextMessage()
  if (message.type !== type) throw new Error(`expected ${type} from the runner, got ${message.type}`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** What a client counts below Yjs, which would silently drop a repeated update. */
interface WireCounters {
  /** Sync-update frames received while `counting`; a duplicate delivery shows up here. */
  updateFrames: number
  counting: boolean
  reconnects: number
}

interface BenchClient {
  doc: Y.Doc
  provider: WebsocketProvider
  wire: WireCounters
  stopSpreading(): void
}

/**
 * Moves a client's presence renewal to a random point of its period. Awareness renews a client's
 * presence every 15 s from its last change, so clients connected within a second or two renew
 * together, for ever. Each renewal reaches every client in the room and every other client
 * echoes it back, so 1,000 clients renewing in one burst sent a server ~5,000 frames and made
 * it send ~5,000 within 2 s, every 15 s, into whichever server's turn it fell (its main thread
 * 20-26% busy meanwhile). Real users' renewals are spread; so are these.
 * Returns a function that cancels a renewal not yet made.
 */
function spreadPresenceRenewal(awareness: awarenessProtocol.Awareness): () => void {
  const timer = setTimeout(() => awareness.setLocalState(awareness.getLocalState()), Math.random() * (awarenessProtocol.outdatedTimeout / 2))
  return () => clearTimeout(timer)
}

function connectClient(url: string, room: RoomTarget, upload: Uint8Array | null): Promise<BenchClient> {
  const doc = new Y.Doc()
  if (upload) Y.applyUpdate(doc, upload)
  const wire: WireCounters = { updateFrames: 0, counting: false, reconnects: 0 }
  class CountingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols)
      this.on('message', (data: Buffer | ArrayBuffer) => {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(2, data.byteLength)) : data
        if (wire.counting && bytes[0] === MessageType.sync && bytes[1] === syncProtocol.messageYjsUpdate) wire.updateFrames++
      })
    }
  }
  const provider = new WebsocketProvider(url, room.roomId, doc, {
    params: room.token === null ? {} : { token: room.token },
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 1_000,
  })
  let connectedOnce = false
  provider.on('status', ({ status }: { status: string }) => {
    if (status !== 'connected') return
    if (connectedOnce) wire.reconnects++
    connectedOnce = true
  })
  const client: BenchClient = { doc, provider, wire, stopSpreading: spreadPresenceRenewal(provider.awareness) }
  const synced = new Promise<BenchClient>((resolve) => {
    if (provider.synced) resolve(client)
    else provider.on('sync', (isSynced: boolean) => isSynced && resolve(client))
  })
  return withTimeout(synced, SYNC_TIMEOUT_MS, `syncing with room ${room.roomId}`).catch((error: unknown) => {
    client.stopSpreading()
    provider.destroy()
    doc.destroy()
    throw error
  })
}

function destroyClients(clients: BenchClient[]): void {
  for (const { provider, doc, stopSpreading } of clients) {
    stopSpreading()
    provider.destroy()
    doc.destroy()
  }
}

/**
 * A receiver that applies nothing: on the wire it does what a stock provider does (sync step 1
 * of an empty document, its presence on open, step 2 when asked, presence renewals and echoes
 * of others' presence), so a server cannot tell it from one, but it only counts the update
 * frames it gets. A room's writer sends one update per write and a server relays them in
 * order, so the k-th frame is the writer's k-th write. It costs the generator a fraction of a
 * provider, which applies (and decodes the strings of) every update into a Y.Doc.
 */
interface WireClient {
  wire: WireCounters
  destroy(): void
}

function connectWireClient(url: string, room: RoomTarget, onUpdateFrame: (frame: number, arrived: number) => void): Promise<WireClient> {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  const wire: WireCounters = { updateFrames: 0, counting: false, reconnects: 0 }
  const socket = new WebSocket(roomUrl(url, room))
  socket.binaryType = 'nodebuffer'
  let destroyed = false
  const send = (write: (encoder: encoding.Encoder) => void) => {
    if (socket.readyState !== WebSocket.OPEN) return
    const encoder = encoding.createEncoder()
    write(encoder)
    socket.send(encoding.toUint8Array(encoder))
  }
  const sendPresence = (clients: number[]) =>
    send((encoder) => {
      encoding.writeVarUint(encoder, MessageType.awareness)
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
    })
  // As y-websocket does: every presence change, local or received, goes out.
  awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
    sendPresence([...added, ...updated, ...removed]),
  )
  const stopSpreading = spreadPresenceRenewal(awareness)
  const client: WireClient = {
    wire,
    destroy() {
      destroyed = true
      stopSpreading()
      awareness.destroy()
      doc.destroy()
      socket.close()
    },
  }
  const synced = new Promise<WireClient>((resolve, reject) => {
    socket.on('open', () => {
      send((encoder) => {
        encoding.writeVarUint(encoder, MessageType.sync)
        syncProtocol.writeSyncStep1(encoder, doc)
      })
      sendPresence([doc.clientID])
    })
    socket.on('message', (data: Buffer) => {
      const arrived = performance.now()
      if (data[0] === MessageType.sync) {
        if (data[1] === syncProtocol.messageYjsUpdate) {
          if (wire.counting) onUpdateFrame(++wire.updateFrames, arrived)
        } else if (data[1] === syncProtocol.messageYjsSyncStep1) {
          const decoder = decoding.createDecoder(data)
          decoding.readVarUint(decoder)
          decoding.readVarUint(decoder)
          const stateVector = decoding.readVarUint8Array(decoder)
          send((encoder) => {
            encoding.writeVarUint(encoder, MessageType.sync)
            syncProtocol.writeSyncStep2(encoder, doc, stateVector)
          })
        } else if (data[1] === syncProtocol.messageYjsSyncStep2) resolve(client)
      } else if (data[0] === MessageType.awareness) {
        const decoder = decoding.createDecoder(data)
        decoding.readVarUint(decoder)
        awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), socket)
      }
    })
    socket.on('close', (code) => {
      if (destroyed) return
      wire.reconnects++
      reject(new Error(`wire client of ${room.roomId} closed (${code})`))
    })
    socket.on('error', reject)
  })
  return withTimeout(synced, SYNC_TIMEOUT_MS, `syncing a wire client with room ${room.roomId}`).catch((error: unknown) => {
    client.destroy()
    throw error
  })
}

/** What one receiving client saw of its room's writer. */
interface Reception {
  client: BenchClient
  seen: Uint8Array
  distinct: number
  repeated: number
}

interface RoomRun {
  writer: BenchClient
  receptions: Reception[]
  wireClients: WireClient[]
  shapeId: string | null
  sent: number
  /** When each write (by seq) was made, for the wire clients' frames. */
  sentAt: Float64Array
}

interface TargetRun {
  target: LatencyTarget
  rooms: RoomRun[]
  latencies: number[]
  /** When the write behind each of `latencies` was made, to split them by slice. */
  latencySentAt: number[]
  /** Writes stamped at or after this time are timed (every target's warm-up is over). */
  timedFrom: number
  /** When each timed slice of this target began. */
  sliceStarts: number[]
  /** Writes made in the warm-up (all writes count for loss, only later ones for rate). */
  warmupSent: number
  /** Time this target spent writing after its warm-up. */
  writingMs: number
  connectMs: number
}

/** A B for one round, B A for the next: A B B A A B ..., so drifting interference evens out. */
function sliceOrder(targets: number, slicesPerTarget: number): number[] {
  const order: number[] = []
  for (let round = 0; round < slicesPerTarget; round++) {
    const indexes = Array.from({ length: targets }, (_, i) => i)
    order.push(...(round % 2 === 0 ? indexes : indexes.reverse()))
  }
  return order
}

async function connectTarget(job: Job<'latency'>, target: LatencyTarget, capacity: number): Promise<TargetRun> {
  const started = performance.now()
  const run: TargetRun = {
    target,
    rooms: [],
    latencies: [],
    latencySentAt: [],
    timedFrom: Infinity,
    sliceStarts: [],
    warmupSent: 0,
    writingMs: 0,
    connectMs: 0,
  }
  run.rooms = await inBatches(target.rooms, Math.max(1, Math.floor(CONNECT_CONCURRENCY / job.clientsPerRoom)), async (room) => {
    const providers = Math.min(job.clientsPerRoom, 1 + job.providerReceivers)
    const clients = await Promise.all(Array.from({ length: providers }, () => connectClient(target.url, room, null)))
    const [writer, ...receivers] = clients
    if (!writer) throw new Error('a room needs at least one client')
    const roomRun: RoomRun = { writer, receptions: [], wireClients: [], shapeId: null, sent: 0, sentAt: new Float64Array(capacity) }
    const timeFrame = (frame: number, arrived: number) => {
      const t = roomRun.sentAt[frame] ?? 0
      // A frame beyond the writes made is a duplicate, counted at the end.
      if (frame <= roomRun.sent && t >= run.timedFrom) timeDelivery(run, t, arrived)
    }
    roomRun.wireClients = await Promise.all(
      Array.from({ length: job.clientsPerRoom - providers }, () => connectWireClient(target.url, room, timeFrame)),
    )
    for (const client of receivers) {
      // A receiver never edits, but while its provider listens for edits to send, Yjs encodes
      // every update it applies once more, for nothing: the generator's largest avoidable cost
      // per delivery (both servers alike). On the wire the client stays a stock provider.
      client.doc.off('update', client.provider._updateHandler)
      const reception: Reception = { client, seen: new Uint8Array(capacity), distinct: 0, repeated: 0 }
      const observe = (seq: unknown, t: unknown) => {
        const now = performance.now()
        if (typeof seq !== 'number' || typeof t !== 'number') return
        if (reception.seen[seq]) reception.repeated++
        else {
          reception.seen[seq] = 1
          reception.distinct++
        }
        if (t >= run.timedFrom) timeDelivery(run, t, now)
      }
      if (job.write === 'stamp') {
        const stamps = client.doc.getMap<{ seq: number; t: number }>('bench')
        stamps.observe((event) => {
          const stamp = stamps.get('stamp')
          if (event.keysChanged.has('stamp') && stamp) observe(stamp.seq, stamp.t)
        })
      } else {
        getRoomRecords(client.doc).observeDeep((events) => {
          for (const event of events) {
            if (!(event instanceof Y.YMapEvent) || !event.keysChanged.has(RecordField.base)) continue
            const base = (event.target as Y.Map<unknown>).get(RecordField.base) as { benchSeq?: unknown; benchT?: unknown }
            observe(base.benchSeq, base.benchT)
          }
        })
      }
      roomRun.receptions.push(reception)
    }
    if (job.write === 'drag') roomRun.shapeId = addShape(writer.doc, 0)
    return roomRun
  })
  run.connectMs = performance.now() - started
  return run
}

function timeDelivery(run: TargetRun, sentAt: number, observedAt: number): void {
  run.latencies.push(observedAt - sentAt)
  run.latencySentAt.push(sentAt)
}

/**
 * One slice of writing for one target: `lengthMs` long, `writes` per writer. Open loop: each
 * writer sends what its schedule says is due, catching up after a late tick, so a slow server
 * (or generator) cannot lower the offered rate. Random phases keep rooms from writing in
 * lockstep. Resolves with the time spent writing.
 */
function writeSlice(job: Job<'latency'>, run: TargetRun, lengthMs: number, writes: number): Promise<number> {
  const period = 1000 / job.rate
  const start = performance.now()
  const write = (room: RoomRun) => {
    const seq = room.sent + 1
    room.sent = seq
    const t = performance.now()
    if (seq < room.sentAt.length) room.sentAt[seq] = t
    const { doc } = room.writer
    if (job.write === 'stamp') doc.getMap('bench').set('stamp', { seq, t })
    else if (room.shapeId) {
      const shapeId = room.shapeId
      doc.transact(() => moveShape(doc, shapeId, seq % 1000, seq % 700, { seq, t }))
    }
  }
  const slice = run.rooms.map((room) => ({ room, base: room.sent, phase: Math.random() * period }))
  return new Promise((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start
      for (const { room, base, phase } of slice) {
        const due = base + Math.min(writes, Math.floor((elapsed - phase) / period) + 1)
        while (room.sent < due) write(room)
      }
      if (elapsed < lengthMs) setTimeout(tick, 1)
      else resolve(elapsed)
    }
    tick()
  })
}

/**
 * Quiet time before a target's turn when the other target wrote last. Both servers share a core,
 * so whatever one still has to do when its turn ends (queued sends, store writes, collection)
 * would run in the other's first moments. Quick fan-out, two runs each: our p99 38.2 and 25.2 ms
 * without a gap, 19.4 and 18.1 with it; the reference's 15.2-21.6 either way.
 */
const SLICE_GAP_MS = 2_000

/** The p99 latency of the writes made in each timed slice of a target, in slice order. */
function p99BySlice(run: TargetRun): number[] {
  const bySlice = run.sliceStarts.map((): number[] => [])
  run.latencySentAt.forEach((sentAt, i) => {
    let slice = run.sliceStarts.length - 1
    while (slice > 0 && (run.sliceStarts[slice] ?? 0) > sentAt) slice--
    bySlice[slice]?.push(run.latencies[i] ?? NaN)
  })
  return bySlice.map((latencies) => percentile(Float64Array.from(latencies).sort(), 0.99))
}

async function runLatency(job: Job<'latency'>): Promise<LatencyResult[]> {
  const slicesPerTarget = Math.max(1, Math.round(job.durationMs / job.sliceMs))
  const perSlice = Math.floor(job.sliceMs / (1000 / job.rate))
  const warmupWrites = Math.floor(job.warmupMs / (1000 / job.rate))
  const capacity = warmupWrites + slicesPerTarget * perSlice + 16
  const runs: TargetRun[] = []
  for (const target of job.targets) runs.push(await connectTarget(job, target, capacity))
  // Let the drag shapes and the awareness of every join settle before counting frames.
  await sleep(1_500)

  const allClients = runs.flatMap((run) => run.rooms.flatMap((room) => [room.writer, ...room.receptions.map((r) => r.client)]))
  const wireClients = runs.flatMap((run) => run.rooms.flatMap((room) => room.wireClients))
  for (const client of [...allClients, ...wireClients]) client.wire.counting = true
  // Warm-up, untimed: each target in turn, until its JIT has compiled the hot path. Our server
  // ran its first 4 s of fan-out load 1.5-2x slower than later (bench/cpu-profile.ts timeline).
  for (const run of runs) {
    if (job.warmupMs > 0) await writeSlice(job, run, job.warmupMs, warmupWrites)
    run.warmupSent = run.rooms.reduce((sum, room) => sum + room.sent, 0)
  }
  const timedFrom = performance.now()
  for (const run of runs) run.timedFrom = timedFrom
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS })
  sendToParent({ type: 'measuring', running: true })
  loopDelay.enable()
  const gc = watchGcPauses()
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  let previous: TargetRun | undefined
  for (const index of sliceOrder(runs.length, slicesPerTarget)) {
    const run = runs[index]
    if (!run) continue
    if (run !== previous) await sleep(SLICE_GAP_MS)
    previous = run
    run.sliceStarts.push(performance.now())
    run.writingMs += await writeSlice(job, run, job.sliceMs, perSlice)
  }
  const windowMs = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  loopDelay.disable()
  const lateness = loopLateness(loopDelay)
  const loadGc = gc.take()
  sendToParent({ type: 'measuring', running: false })
  await sleep(DRAIN_MS)

  const results = runs.map((run): LatencyResult => {
    let lost = 0
    let duplicated = 0
    let reconnects = 0
    let updatesSent = 0
    let clients = 0
    for (const room of run.rooms) {
      updatesSent += room.sent
      reconnects += room.writer.wire.reconnects
      clients += 1 + room.receptions.length
      for (const reception of room.receptions) {
        lost += Math.max(0, room.sent - reception.distinct)
        duplicated += reception.repeated + Math.max(0, reception.client.wire.updateFrames - reception.distinct)
        reconnects += reception.client.wire.reconnects
      }
      for (const { wire } of room.wireClients) {
        clients++
        lost += Math.max(0, room.sent - wire.updateFrames)
        duplicated += Math.max(0, wire.updateFrames - room.sent)
        reconnects += wire.reconnects
      }
    }
    const sorted = Float64Array.from(run.latencies).sort()
    return {
      name: run.target.name,
      rooms: run.rooms.length,
      clients,
      connectMs: run.connectMs,
      updatesSent,
      sentPerSecond: (updatesSent - run.warmupSent) / (run.writingMs / 1000),
      samples: sorted.length,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? NaN,
      sliceP99: p99BySlice(run),
      lost,
      duplicated,
      reconnects,
      loadCpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
      loadLoopDelayP99: lateness.p99,
      loadLoopDelayMax: lateness.max,
      loadGc,
      writingMs: run.writingMs,
    }
  })
  destroyClients(allClients)
  for (const client of wireClients) client.destroy()
  return results
}

async function runHold(job: Job<'hold'>): Promise<void> {
  const clients = await inBatches(job.rooms, CONNECT_CONCURRENCY, (room) => connectClient(job.url, room, job.upload))
  for (const room of job.rooms) await awaitShapes(job.url, room, job.expectShapes)
  sendToParent({ type: 'held' })
  await expectMessage('release')
  destroyClients(clients)
}

function roomUrl(base: string, room: RoomTarget): string {
  return `${base}/${encodeURIComponent(room.roomId)}${room.token === null ? '' : `?token=${encodeURIComponent(room.token)}`}`
}

/** One bare connection: send step 1 of an empty document, time the arrival of step 2. */
function timeInitialSync(url: string, room: RoomTarget): Promise<{ time: SyncTime; update: Uint8Array }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const started = performance.now()
      let opened = NaN
      let bytesReceived = 0
      const ws = new WebSocket(roomUrl(url, room))
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => {
        opened = performance.now()
        const step1 = encoding.createEncoder()
        encoding.writeVarUint(step1, MessageType.sync)
        syncProtocol.writeSyncStep1(step1, new Y.Doc())
        ws.send(encoding.toUint8Array(step1))
      })
      ws.on('message', (data: Buffer) => {
        bytesReceived += data.byteLength
        if (data[0] !== MessageType.sync || data[1] !== syncProtocol.messageYjsSyncStep2) return
        const now = performance.now()
        const decoder = decoding.createDecoder(data)
        decoding.readVarUint(decoder)
        decoding.readVarUint(decoder)
        const update = decoding.readVarUint8Array(decoder)
        ws.close()
        resolve({ time: { totalMs: now - started, fromOpenMs: now - opened, bytesReceived }, update })
      })
      ws.on('close', (code) => reject(new Error(`connection to ${room.roomId} closed (${code}) before sync step 2`)))
      ws.on('error', reject)
    }),
    SYNC_TIMEOUT_MS,
    `initial sync of room ${room.roomId}`,
  )
}

/** Shapes of a room as a new connection syncs them. */
async function syncedShapes(url: string, room: RoomTarget): Promise<number> {
  const { update } = await timeInitialSync(url, room)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  const shapes = countShapes(doc)
  doc.destroy()
  return shapes
}

/**
 * Waits until the server holds a client's upload: the client counts as synced when the
 * server's step 2 arrives, which can be before the server has its own (large) step 2.
 */
async function awaitShapes(url: string, room: RoomTarget, shapes: number): Promise<void> {
  const deadline = performance.now() + SYNC_TIMEOUT_MS
  for (;;) {
    const synced = await syncedShapes(url, room)
    if (synced === shapes) return
    if (performance.now() > deadline) throw new Error(`room ${room.roomId} holds ${synced} shapes, expected ${shapes}`)
    await sleep(200)
  }
}

async function runSyncTimes(job: Job<'sync-times'>): Promise<SyncTimesResult> {
  const holder = job.holder ? await connectClient(job.url, job.holder.room, job.holder.upload) : null
  if (job.holder) await awaitShapes(job.url, job.holder.room, job.expectShapes)
  const times: SyncTime[] = []
  let firstDocShapes = -1
  for (let i = 0; i < job.connections; i++) {
    const target = job.targets[i % job.targets.length]
    if (!target) throw new Error('sync-times needs at least one target room')
    const { time, update } = await timeInitialSync(job.url, target)
    times.push(time)
    if (i === 0) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, update)
      firstDocShapes = countShapes(doc)
      doc.destroy()
      // Checked after timing, so the check costs the measured connection nothing.
      if (firstDocShapes !== job.expectShapes) {
        throw new Error(`room ${target.roomId} synced ${firstDocShapes} shapes, expected ${job.expectShapes}`)
      }
    }
    if (job.unloadBetween) {
      sendToParent({ type: 'await-unload' })
      await expectMessage('unloaded')
    }
  }
  if (holder) destroyClients([holder])
  return { times, firstDocShapes }
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'latency':
      return { kind: 'latency', results: await runLatency(job) }
    case 'hold':
      await runHold(job)
      return { kind: 'hold' }
    case 'sync-times':
      return { kind: 'sync-times', result: await runSyncTimes(job) }
  }
}

/** Sends the last message, then exits (clients may still hold timers and sockets). */
function finish(message: FromLoad, code: number): void {
  if (!process.send) process.exit(code)
  process.send(message, () => process.exit(code))
}

nextMessage()
  .then((message) => {
    if (message.type !== 'job') throw new Error(`expected a job, got ${message.type}`)
    return runJob(message.job)
  })
  .then(
    (result) => finish({ type: 'result', result }, 0),
    (error: unknown) => finish({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1),
  )
