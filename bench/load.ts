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
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { getRoomRecords, RecordField } from '../lib/room-doc/layout'
import { addShape, countShapes, moveShape } from './board'
import {
  hasType,
  sendToParent,
  type LatencyResult,
  type LoadJob,
  type RoomTarget,
  type SyncTime,
  type SyncTimesResult,
  type ToLoad,
} from './messages'
import { percentile } from './stats'

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

interface BenchClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Sync-update frames received while counting (a duplicate delivery shows up here). */
  updateFrames: number
  counting: boolean
  reconnects: number
}

function connectClient(url: string, room: RoomTarget, upload: Uint8Array | null): Promise<BenchClient> {
  const doc = new Y.Doc()
  if (upload) Y.applyUpdate(doc, upload)
  const client: Partial<BenchClient> & { updateFrames: number; counting: boolean; reconnects: number } = {
    doc,
    updateFrames: 0,
    counting: false,
    reconnects: 0,
  }
  // Counts frames on the wire, below Yjs (which would silently drop a repeated update).
  class CountingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols)
      this.on('message', (data: Buffer | ArrayBuffer) => {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data, 0, 2) : data
        if (client.counting && bytes[0] === 0 && bytes[1] === syncProtocol.messageYjsUpdate) client.updateFrames++
      })
    }
  }
  const provider = new WebsocketProvider(url, room.roomId, doc, {
    params: room.token === null ? {} : { token: room.token },
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 1_000,
  })
  client.provider = provider
  let connectedOnce = false
  provider.on('status', ({ status }: { status: string }) => {
    if (status !== 'connected') return
    if (connectedOnce) client.reconnects++
    connectedOnce = true
  })
  const synced = new Promise<BenchClient>((resolve) => {
    const done = () => resolve(client as BenchClient)
    if (provider.synced) done()
    else provider.on('sync', (isSynced: boolean) => isSynced && done())
  })
  return withTimeout(synced, SYNC_TIMEOUT_MS, `syncing with room ${room.roomId}`).catch((error: unknown) => {
    provider.destroy()
    doc.destroy()
    throw error
  })
}

function destroyClients(clients: BenchClient[]): void {
  for (const { provider, doc } of clients) {
    provider.destroy()
    doc.destroy()
  }
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
  shapeId: string | null
  sent: number
  timer: NodeJS.Timeout | null
}

async function runLatency(job: Job<'latency'>): Promise<LatencyResult> {
  const capacity = Math.ceil(job.rate * (job.durationMs / 1000) * 1.5) + 16
  const latencies: number[] = []
  let measureFrom = Infinity
  const connectStart = performance.now()

  const runs = await inBatches(job.rooms, Math.max(1, Math.floor(CONNECT_CONCURRENCY / job.clientsPerRoom)), async (room) => {
    const clients = await Promise.all(Array.from({ length: job.clientsPerRoom }, () => connectClient(job.url, room, null)))
    const [writer, ...receivers] = clients
    if (!writer) throw new Error('a room needs at least one client')
    const run: RoomRun = { writer, receptions: [], shapeId: null, sent: 0, timer: null }
    for (const client of receivers) {
      const reception: Reception = { client, seen: new Uint8Array(capacity), distinct: 0, repeated: 0 }
      const observe = (stamp: { seq?: unknown; t?: unknown } | undefined) => {
        const now = performance.now()
        if (typeof stamp?.seq !== 'number' || typeof stamp.t !== 'number') return
        if (reception.seen[stamp.seq]) reception.repeated++
        else {
          reception.seen[stamp.seq] = 1
          reception.distinct++
        }
        if (stamp.t >= measureFrom) latencies.push(now - stamp.t)
      }
      if (job.write === 'stamp') {
        const stamps = client.doc.getMap<{ seq: number; t: number }>('bench')
        stamps.observe((event) => event.keysChanged.has('stamp') && observe(stamps.get('stamp')))
      } else {
        getRoomRecords(client.doc).observeDeep((events) => {
          for (const event of events) {
            if (!(event instanceof Y.YMapEvent) || !event.keysChanged.has(RecordField.base)) continue
            const base = (event.target as Y.Map<unknown>).get(RecordField.base) as { benchSeq?: unknown; benchT?: unknown }
            observe({ seq: base.benchSeq, t: base.benchT })
          }
        })
      }
      run.receptions.push(reception)
    }
    if (job.write === 'drag') run.shapeId = addShape(writer.doc, 0)
    return run
  })
  const connectMs = performance.now() - connectStart
  // Let the drag shapes and the awareness of every join settle before counting frames.
  await sleep(1_500)

  const loopDelay = monitorEventLoopDelay({ resolution: 5 })
  const allClients = runs.flatMap((run) => [run.writer, ...run.receptions.map((r) => r.client)])
  for (const client of allClients) client.counting = true
  sendToParent({ type: 'measuring', running: true })
  loopDelay.enable()
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  measureFrom = start + job.warmupMs
  const period = 1000 / job.rate

  const write = (run: RoomRun) => {
    const seq = run.sent + 1
    if (seq >= capacity) return
    run.sent = seq
    const t = performance.now()
    if (job.write === 'stamp') run.writer.doc.getMap('bench').set('stamp', { seq, t })
    else if (run.shapeId) run.writer.doc.transact(() => moveShape(run.writer.doc, run.shapeId ?? '', seq % 1000, seq % 700, { seq, t }))
  }
  for (const run of runs) {
    // Writers start at random phases so the rooms' updates do not arrive in lockstep.
    setTimeout(() => {
      write(run)
      run.timer = setInterval(() => write(run), period)
    }, Math.random() * period)
  }
  await sleep(job.durationMs)
  for (const run of runs) if (run.timer) clearInterval(run.timer)
  const measuredMs = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  loopDelay.disable()
  sendToParent({ type: 'measuring', running: false })
  await sleep(DRAIN_MS)

  let lost = 0
  let duplicated = 0
  let reconnects = 0
  let updatesSent = 0
  for (const run of runs) {
    updatesSent += run.sent
    reconnects += run.writer.reconnects
    for (const reception of run.receptions) {
      lost += Math.max(0, run.sent - reception.distinct)
      duplicated += reception.repeated + Math.max(0, reception.client.updateFrames - reception.distinct)
      reconnects += reception.client.reconnects
    }
  }
  destroyClients(allClients)

  const sorted = Float64Array.from(latencies).sort()
  return {
    rooms: job.rooms.length,
    clients: allClients.length,
    connectMs,
    updatesSent,
    sentPerSecond: updatesSent / (measuredMs / 1000),
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    lost,
    duplicated,
    reconnects,
    loadCpuPercent: ((cpu.user + cpu.system) / 1000 / measuredMs) * 100,
    loadLoopDelayP99: loopDelay.percentile(99) / 1e6,
    loadLoopDelayMax: loopDelay.max / 1e6,
    measuredMs,
  }
}

async function runHold(job: Job<'hold'>): Promise<void> {
  const clients = await inBatches(job.rooms, CONNECT_CONCURRENCY, (room) => connectClient(job.url, room, job.upload))
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
      let bytesSent = 0
      const ws = new WebSocket(roomUrl(url, room))
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => {
        opened = performance.now()
        const step1 = encoding.createEncoder()
        encoding.writeVarUint(step1, 0)
        syncProtocol.writeSyncStep1(step1, new Y.Doc())
        const frame = encoding.toUint8Array(step1)
        bytesSent += frame.byteLength
        ws.send(frame)
      })
      ws.on('message', (data: Buffer) => {
        bytesReceived += data.byteLength
        if (data[0] !== 0 || data[1] !== syncProtocol.messageYjsSyncStep2) return
        const now = performance.now()
        const decoder = decoding.createDecoder(data)
        decoding.readVarUint(decoder)
        decoding.readVarUint(decoder)
        const update = decoding.readVarUint8Array(decoder)
        ws.close()
        resolve({ time: { totalMs: now - started, fromOpenMs: now - opened, bytesReceived, bytesSent }, update })
      })
      ws.on('close', (code) => reject(new Error(`connection to ${room.roomId} closed (${code}) before sync step 2`)))
      ws.on('error', reject)
    }),
    SYNC_TIMEOUT_MS,
    `initial sync of room ${room.roomId}`,
  )
}

async function runSyncTimes(job: Job<'sync-times'>): Promise<SyncTimesResult> {
  const holder = job.holder ? await connectClient(job.url, job.holder.room, job.holder.upload) : null
  // The holder's upload reaches the server just after its own sync; give it time to land.
  if (holder) await sleep(1_000)
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

async function main(): Promise<void> {
  const message = await nextMessage()
  if (message.type !== 'job') throw new Error(`expected a job, got ${message.type}`)
  const { job } = message
  switch (job.kind) {
    case 'latency':
      sendToParent({ type: 'result', result: { kind: 'latency', result: await runLatency(job) } })
      break
    case 'hold':
      await runHold(job)
      sendToParent({ type: 'result', result: { kind: 'hold' } })
      break
    case 'sync-times':
      sendToParent({ type: 'result', result: { kind: 'sync-times', result: await runSyncTimes(job) } })
      break
  }
}

main().catch((error: unknown) => {
  sendToParent({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exitCode = 1
})
