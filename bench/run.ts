/**
 * Sync benchmarks: our server against the reference y-websocket server.
 *   npm run bench [-- --quick] [-- --only=fanout|drag|memory|coldload|persistence|capacity]
 * Each server runs in its own process (CPU 0) and the load in another (CPU 1). A full run
 * (no --only) writes docs/benchmarks.md.
 */
import { execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { createRoom } from '../server/rooms/rooms'
import { RoomTokens } from '../server/rooms/tokens'
import { openSqliteStore } from '../server/store'
import { boardHistory, boardUpdate } from './board'
import type { LatencyResult, LoadJob, MemoryStats, RoomTarget, SyncTime, WritePattern } from './messages'
import {
  canPin,
  killChildren,
  ROOT,
  runLoadJob,
  startOurServer,
  startReferenceServer,
  type ServerKind,
  type ServerProcess,
} from './processes'
import { kib, mib, ms, percentile, ratio, sortedOf, table } from './stats'

const SCENARIOS = ['fanout', 'drag', 'memory', 'coldload', 'persistence', 'capacity'] as const
type Scenario = (typeof SCENARIOS)[number]
/** Capacity stepping is long and optional: only with --only=capacity. */
const DEFAULT_SCENARIOS: Scenario[] = ['fanout', 'drag', 'memory', 'coldload', 'persistence']

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
if (onlyArg !== undefined && !SCENARIOS.includes(onlyArg as Scenario)) {
  console.error(`unknown scenario '${onlyArg}'; one of ${SCENARIOS.join(', ')}`)
  process.exit(2)
}
const selected: Scenario[] = onlyArg ? [onlyArg as Scenario] : DEFAULT_SCENARIOS

const QUICK_MS = 20_000
const sizes = {
  fanout: { rooms: 200, clientsPerRoom: 5, rate: 10, durationMs: quick ? QUICK_MS : 120_000 },
  drag: { rooms: 50, clientsPerRoom: 4, rate: 30, durationMs: quick ? QUICK_MS : 120_000 },
  memory: [
    { shapes: 500, rooms: quick ? 20 : 50 },
    { shapes: 5_000, rooms: quick ? 5 : 10 },
  ],
  coldload: { shapes: 5_000, updates: 50_000, coldRooms: quick ? 8 : 20, connections: 20 },
  capacity: { clientsPerRoom: 5, rate: 10, durationMs: 15_000, steps: [100, 200, 400, 600, 800, 1000, 1200], p99LimitMs: 50 },
}
const WARMUP_MS = 2_000

const secretHex = randomBytes(32).toString('hex')
const tempDirs: string[] = []
function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `boxes-bench-${label}-`))
  tempDirs.push(dir)
  return dir
}

const sleep = (time: number) => new Promise((resolve) => setTimeout(resolve, time))

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`)
}

/** One scenario's printed and reported section. */
interface Section {
  title: string
  body: string
}
const sections: Section[] = []

function report(section: Section): void {
  sections.push(section)
  console.log(`\n## ${section.title}\n\n${section.body}\n`)
}

async function withServer<T>(start: () => Promise<ServerProcess>, use: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await start()
  try {
    return await use(server)
  } finally {
    await server.stop()
  }
}

function startServer(kind: ServerKind, options: { memoryStore?: boolean; unloadMs?: number; dataDir?: string } = {}) {
  return kind === 'reference'
    ? startReferenceServer
    : () => startOurServer({ dataDir: options.dataDir ?? tempDir('ours'), secretHex, ...options })
}

// ---- latency (fanout, drag, persistence, capacity) ----

interface LatencyRun extends LatencyResult {
  serverCpuPercent: number
}

async function latencyRun(
  server: ServerProcess,
  shape: { rooms: number; clientsPerRoom: number; rate: number; durationMs: number },
  write: WritePattern,
  label: string,
): Promise<LatencyRun> {
  const rooms = await server.createRooms(shape.rooms, label)
  const job: LoadJob = {
    kind: 'latency',
    url: server.url,
    rooms,
    clientsPerRoom: shape.clientsPerRoom,
    rate: shape.rate,
    durationMs: shape.durationMs,
    warmupMs: WARMUP_MS,
    write,
  }
  let cpuStart = 0
  let wallStart = 0
  let serverCpuPercent = NaN
  const result = await runLoadJob(
    job,
    {
      onMeasuring: (running) => {
        const now = performance.now()
        if (running) {
          cpuStart = server.cpuSeconds()
          wallStart = now
        } else serverCpuPercent = ((server.cpuSeconds() - cpuStart) / ((now - wallStart) / 1000)) * 100
      },
    },
    shape.durationMs + 240_000,
  )
  if (result.kind !== 'latency') throw new Error(`expected a latency result, got ${result.kind}`)
  return { ...result.result, serverCpuPercent }
}

const LATENCY_HEADERS = [
  'server',
  'rooms x clients',
  'updates sent (/s)',
  'deliveries timed',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'lost',
  'duplicated',
  'reconnects',
  'server CPU %',
  'load CPU %',
  'load loop delay p99/max ms',
]

function latencyRow(name: string, run: LatencyRun): string[] {
  return [
    name,
    `${run.rooms} x ${run.clients / run.rooms}`,
    `${run.updatesSent} (${run.sentPerSecond.toFixed(0)})`,
    String(run.samples),
    ms(run.p50),
    ms(run.p90),
    ms(run.p99),
    ms(run.max),
    String(run.lost),
    String(run.duplicated),
    String(run.reconnects),
    run.serverCpuPercent.toFixed(0),
    run.loadCpuPercent.toFixed(0),
    `${ms(run.loadLoopDelayP99)} / ${ms(run.loadLoopDelayMax)}`,
  ]
}

function latencyChecks(runs: LatencyRun[]): string {
  const broken = runs.filter((run) => run.lost > 0 || run.duplicated > 0)
  return broken.length === 0 ? 'Lost and duplicated: 0 in every run.' : `**Lost or duplicated updates in ${broken.length} run(s): see the table.**`
}

async function fanoutOrDrag(name: 'fanout' | 'drag'): Promise<void> {
  const shape = sizes[name]
  const write: WritePattern = name === 'fanout' ? 'stamp' : 'drag'
  const runs: Record<ServerKind, LatencyRun | null> = { ours: null, reference: null }
  for (const kind of ['ours', 'reference'] as const) {
    log(`${name}: ${kind}, ${shape.rooms} rooms x ${shape.clientsPerRoom} clients at ${shape.rate}/s for ${shape.durationMs / 1000} s`)
    runs[kind] = await withServer(startServer(kind), (server) => latencyRun(server, shape, write, name))
  }
  const { ours, reference } = runs
  if (!ours || !reference) throw new Error(`${name} did not run both servers`)
  const what =
    name === 'fanout'
      ? 'each room\'s writer sets a `bench.stamp` key to `{seq, t}`'
      : 'each room\'s writer rewrites one tldraw shape\'s `base` (x, y) with `{benchSeq, benchT}` in it, as a drag does'
  report({
    title: name === 'fanout' ? '1. Fan-out' : '2. Drag',
    body: [
      `${shape.rooms} rooms x ${shape.clientsPerRoom} clients; ${what}, ${shape.rate} times a second, for ${shape.durationMs / 1000} s (the first ${WARMUP_MS / 1000} s are not timed). Latency: writer's transaction to another client's observation.`,
      '',
      table(LATENCY_HEADERS, [latencyRow('ours (SQLite)', ours), latencyRow('reference', reference)]),
      '',
      `p99 ours / reference: **${ratio(ours.p99, reference.p99)}**; p50: ${ratio(ours.p50, reference.p50)}; server CPU: ${ratio(ours.serverCpuPercent, reference.serverCpuPercent)}. ${latencyChecks([ours, reference])}`,
    ].join('\n'),
  })
}

async function persistence(): Promise<void> {
  const shape = { ...sizes.fanout, durationMs: QUICK_MS }
  const runs: Array<[string, LatencyRun]> = []
  for (const memoryStore of [false, true]) {
    const name = memoryStore ? 'ours, memory store' : 'ours, SQLite store'
    log(`persistence: ${name}`)
    runs.push([name, await withServer(startServer('ours', { memoryStore }), (server) => latencyRun(server, shape, 'stamp', 'persistence'))])
  }
  const sqlite = runs[0]?.[1]
  const memory = runs[1]?.[1]
  if (!sqlite || !memory) throw new Error('persistence did not run both stores')
  report({
    title: '5. Persistence cost',
    body: [
      `Scenario 1 at quick length (${shape.rooms} x ${shape.clientsPerRoom}, ${shape.rate}/s, ${shape.durationMs / 1000} s) on our server with each store.`,
      '',
      table(LATENCY_HEADERS, runs.map(([name, run]) => latencyRow(name, run))),
      '',
      `Added by SQLite: p50 **${ms(sqlite.p50 - memory.p50)} ms**, p99 **${ms(sqlite.p99 - memory.p99)} ms** (p99 ratio ${ratio(sqlite.p99, memory.p99)}); server CPU ${sqlite.serverCpuPercent.toFixed(0)}% vs ${memory.serverCpuPercent.toFixed(0)}%. ${latencyChecks([sqlite, memory])}`,
    ].join('\n'),
  })
}

async function capacity(): Promise<void> {
  const { steps, p99LimitMs, ...shape } = sizes.capacity
  const rows: string[][] = []
  const reached: Record<ServerKind, number> = { ours: 0, reference: 0 }
  for (const kind of ['ours', 'reference'] as const) {
    for (const rooms of steps) {
      log(`capacity: ${kind}, ${rooms} rooms`)
      const run = await withServer(startServer(kind), (server) => latencyRun(server, { ...shape, rooms }, 'stamp', 'capacity'))
      rows.push(latencyRow(kind, run))
      if (run.p99 > p99LimitMs || run.lost > 0) break
      reached[kind] = rooms
    }
  }
  report({
    title: '6. Capacity',
    body: [
      `Scenario 1's room shape (${shape.clientsPerRoom} clients, ${shape.rate}/s) for ${shape.durationMs / 1000} s per step, rooms stepped until p99 > ${p99LimitMs} ms.`,
      '',
      table(LATENCY_HEADERS, rows),
      '',
      `Largest step within ${p99LimitMs} ms p99: ours **${reached.ours}** rooms, reference **${reached.reference}** rooms.`,
    ].join('\n'),
  })
}

// ---- memory ----

interface MemoryRun {
  before: MemoryStats
  after: MemoryStats
  rooms: number
}

async function memoryRun(kind: ServerKind, shapes: number, roomCount: number, upload: Uint8Array): Promise<MemoryRun> {
  return withServer(startServer(kind), async (server) => {
    const rooms = await server.createRooms(roomCount, `memory-${shapes}`)
    await sleep(500)
    const before = await server.stats()
    let after: MemoryStats | null = null
    await runLoadJob(
      { kind: 'hold', url: server.url, rooms, upload },
      {
        onHeld: async () => {
          // A client's upload reaches the server just after its own sync.
          await sleep(1_500)
          after = await server.stats()
        },
      },
    )
    if (!after) throw new Error('memory was not measured')
    const measured: MemoryStats = after
    if (measured.loadedRooms !== null && measured.loadedRooms !== roomCount) {
      throw new Error(`${kind} held ${measured.loadedRooms} rooms loaded, expected ${roomCount}`)
    }
    return { before, after: measured, rooms: roomCount }
  })
}

async function memory(): Promise<void> {
  const rows: string[][] = []
  const perRoom: string[] = []
  for (const { shapes, rooms } of sizes.memory) {
    const upload = boardUpdate(shapes)
    const runs: Partial<Record<ServerKind, MemoryRun>> = {}
    for (const kind of ['ours', 'reference'] as const) {
      log(`memory: ${kind}, ${rooms} rooms of ${shapes} shapes`)
      const run = await memoryRun(kind, shapes, rooms, upload)
      runs[kind] = run
      const rss = (run.after.rss - run.before.rss) / rooms
      const heap = (run.after.heapUsed - run.before.heapUsed) / rooms
      const external = (run.after.external - run.before.external) / rooms
      rows.push([
        kind,
        String(shapes),
        String(rooms),
        kib(upload.byteLength),
        `${mib(run.before.rss)} -> ${mib(run.after.rss)}`,
        `${mib(run.before.heapUsed)} -> ${mib(run.after.heapUsed)}`,
        mib(rss),
        mib(heap),
        mib(external),
      ])
    }
    const { ours, reference } = runs
    if (ours && reference) {
      const per = (run: MemoryRun, key: 'rss' | 'heapUsed') => (run.after[key] - run.before[key]) / run.rooms
      perRoom.push(
        `${shapes} shapes: RSS per room ours / reference ${ratio(per(ours, 'rss'), per(reference, 'rss'))}, heap per room ${ratio(per(ours, 'heapUsed'), per(reference, 'heapUsed'))}`,
      )
    }
  }
  report({
    title: '3. Memory per loaded room',
    body: [
      'Each room is loaded by one client that uploads a board of rectangles (tldraw geo shape records in the room layout) and stays connected. Server memory after two forced GCs, before and after; per room = difference / rooms.',
      '',
      table(
        ['server', 'shapes', 'rooms', 'board update KiB', 'RSS MiB before -> after', 'heap MiB before -> after', 'RSS MiB / room', 'heap MiB / room', 'external MiB / room'],
        rows,
      ),
      '',
      perRoom.join('; ') + '.',
    ].join('\n'),
  })
}

// ---- cold load ----

function syncTimeRow(name: string, times: SyncTime[]): string[] {
  const total = sortedOf(times.map((t) => t.totalMs))
  const fromOpen = sortedOf(times.map((t) => t.fromOpenMs))
  const received = sortedOf(times.map((t) => t.bytesReceived))
  return [
    name,
    String(times.length),
    ms(percentile(fromOpen, 0.5)),
    ms(percentile(fromOpen, 0.95)),
    ms(percentile(total, 0.5)),
    ms(percentile(total, 0.95)),
    kib(percentile(received, 0.5)),
    String(times[0]?.bytesSent ?? '–'),
  ]
}

async function syncTimes(
  server: ServerProcess,
  job: Omit<Extract<LoadJob, { kind: 'sync-times' }>, 'kind' | 'url'>,
): Promise<SyncTime[]> {
  const result = await runLoadJob(
    { kind: 'sync-times', url: server.url, ...job },
    {
      onAwaitUnload: async () => {
        const deadline = Date.now() + 60_000
        while ((await server.stats()).loadedRooms !== 0) {
          if (Date.now() > deadline) throw new Error('the room did not unload within 60 s')
          await sleep(25)
        }
      },
    },
  )
  if (result.kind !== 'sync-times') throw new Error(`expected sync times, got ${result.kind}`)
  return result.result.times
}

async function coldload(): Promise<void> {
  const { shapes, updates, coldRooms, connections } = sizes.coldload
  log(`coldload: building ${coldRooms + 1} stored rooms of ${shapes} shapes, ${updates} updates each`)
  const dataDir = tempDir('coldload')
  const file = path.join(dataDir, 'rooms.sqlite')
  const store = openSqliteStore(file)
  const tokens = new RoomTokens(Buffer.from(secretHex, 'hex'))
  const history = boardHistory(shapes, updates)
  const storeRoom = async (): Promise<RoomTarget> => {
    const { roomId, links } = await createRoom(store, tokens, { title: 'cold load' }, 'http://localhost')
    for (let i = 0; i < history.updates.length; i += 5_000) {
      const at = Date.now()
      await store.appendUpdates(history.updates.slice(i, i + 5_000).map((update) => ({ roomId, update, at })))
    }
    return { roomId, token: new URL(links.interviewer).hash.replace('#token=', '') }
  }
  const cold: RoomTarget[] = []
  for (let i = 0; i < coldRooms; i++) cold.push(await storeRoom())
  const snapshotted = await storeRoom()
  const content = await store.loadRoomContent(snapshotted.roomId)
  if (!content) throw new Error('the stored room vanished')
  const roomDoc = new Y.Doc()
  Y.transact(roomDoc, () => content.updates.forEach(({ update }) => Y.applyUpdate(roomDoc, update)))
  const roomState = Y.encodeStateAsUpdate(roomDoc)
  roomDoc.destroy()
  const logBytes = content.updates.reduce((sum, { update }) => sum + update.byteLength, 0)
  const lastSeq = content.updates.at(-1)?.seq ?? 0
  await store.writeSnapshot(snapshotted.roomId, roomState, lastSeq)
  await store.close()
  const fileBytes = statSync(file).size

  const rows: string[][] = []
  const summary: Record<string, SyncTime[]> = {}
  await withServer(startServer('ours', { dataDir, unloadMs: 50 }), async (server) => {
    log(`coldload: ours, ${coldRooms} cold loads without a snapshot`)
    summary.coldLog = await syncTimes(server, { targets: cold, connections: coldRooms, unloadBetween: true, holder: null, expectShapes: shapes })
    rows.push(syncTimeRow(`ours, cold, log only (${updates} updates)`, summary.coldLog))
    log(`coldload: ours, ${connections} cold loads from a snapshot`)
    summary.coldSnapshot = await syncTimes(server, {
      targets: [snapshotted],
      connections,
      unloadBetween: true,
      holder: null,
      expectShapes: shapes,
    })
    rows.push(syncTimeRow('ours, cold, snapshot', summary.coldSnapshot))
    log(`coldload: ours, ${connections} loads of a loaded room`)
    summary.warm = await syncTimes(server, {
      targets: [snapshotted],
      connections,
      unloadBetween: false,
      holder: { room: snapshotted, upload: null },
      expectShapes: shapes,
    })
    rows.push(syncTimeRow('ours, loaded room', summary.warm))
  })
  await withServer(startServer('reference'), async (server) => {
    log(`coldload: reference, ${connections} loads of a loaded room`)
    const room: RoomTarget = { roomId: 'bench-coldload', token: null }
    summary.reference = await syncTimes(server, {
      targets: [room],
      connections,
      unloadBetween: false,
      holder: { room, upload: roomState },
      expectShapes: shapes,
    })
    rows.push(syncTimeRow('reference, loaded room (it has no storage)', summary.reference))
  })
  const p50 = (times: SyncTime[] | undefined) => percentile(sortedOf((times ?? []).map((t) => t.fromOpenMs)), 0.5)
  report({
    title: '4. Cold load',
    body: [
      `A stored room of ${shapes} shapes whose log holds ${updates} updates (${shapes} creations, then moves), written straight into the SQLite store. Each connection sends sync step 1 of an empty document and stops at sync step 2; between cold loads the server unloads the room (unloadAfterMs 50). Ours loads rooms through the production migration hook. The reference keeps rooms only in memory, so it can only be compared with a loaded room.`,
      '',
      table(['case', 'connections', 'open->step 2 p50 ms', 'p95 ms', 'connect->step 2 p50 ms', 'p95 ms', 'received KiB (p50)', 'sent bytes'], rows),
      '',
      table(
        ['stored form', 'bytes'],
        [
          [`update log (${content.updates.length} rows incl. seed)`, `${logBytes} (${kib(logBytes)} KiB)`],
          ['Y.encodeStateAsUpdate of the same doc (= the snapshot)', `${roomState.byteLength} (${kib(roomState.byteLength)} KiB)`],
          ['log / state', ratio(logBytes, roomState.byteLength)],
          [`SQLite file for ${coldRooms + 1} such rooms (one with a snapshot)`, `${fileBytes} (${mib(fileBytes)} MiB)`],
        ],
      ),
      '',
      `Cold from the log / cold from a snapshot: ${ratio(p50(summary.coldLog), p50(summary.coldSnapshot))} (p50); loaded room ours / reference: ${ratio(p50(summary.warm), p50(summary.reference))} (p50).`,
    ].join('\n'),
  })
}

// ---- report ----

function git(command: string): string {
  try {
    return execSync(`git ${command}`, { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

function writeReport(startedAt: Date, elapsedMs: number): void {
  const cpus = os.cpus()
  const commit = git('rev-parse --short HEAD')
  const dirty = git('status --porcelain') !== ''
  const command = `npm run bench${quick ? ' -- --quick' : ''}`
  const doc = [
    '# Sync benchmarks',
    '',
    `Generated by \`${command}\` (bench/run.ts); do not edit by hand.`,
    '',
    `- Date: ${startedAt.toISOString()} (run took ${(elapsedMs / 60_000).toFixed(1)} min)`,
    `- Machine: ${os.type()} ${os.release()}, ${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length}, ${mib(os.totalmem())} MiB RAM, Node ${process.version}`,
    `- Commit: ${commit}${dirty ? ' (working tree had uncommitted changes)' : ''}`,
    `- Pinning: ${canPin ? 'server on CPU 0, load generator on CPU 1 (taskset)' : 'none (taskset unavailable or one CPU)'}`,
    `- Servers: ours = server/sync (startSyncServer over a SQLite store unless noted, bench/our-server.ts); reference = the unmodified \`@y/websocket-server\` 0.1.1 bin (no persistence), with bench/reference-probe.ts preloaded to report memory.`,
    '- Clients: stock y-websocket 3 `WebsocketProvider`s with `ws`, all in one load-generator process, so writer and reader timestamps share one clock.',
    '',
    ...sections.flatMap((section) => [`## ${section.title}`, '', section.body, '']),
    '## What limits these figures',
    '',
    '- One load-generator process on one core runs every client: its CPU and event-loop delay (in the tables) add to every latency, equally for both servers. A latency close to the load loop delay says more about the generator than about the server.',
    '- The machine has few cores and may be shared with other work; run-to-run variation of p99 and max is large, p50 is stable. Compare ratios within one run, not across runs.',
    '- Latency includes the loopback network and JSON-free binary framing only; no TLS, proxy or real network.',
    '- Our server stores each update before broadcasting it (write queue, one SQLite transaction per event-loop turn); the reference broadcasts at once and stores nothing, so persistence cost shows up in our latency (scenario 5 isolates it).',
    '- Memory per room is a difference of two process-wide figures after forced GC; RSS includes allocator slack and SQLite page cache, heap is the more precise figure.',
    '- Cold loads use a room written straight into the store: ours loads at most one snapshot plus < 500 updates in normal operation; the log-only case is the worst case after a crash before any snapshot.',
    '',
  ].join('\n')
  writeFileSync(path.join(ROOT, 'docs/benchmarks.md'), doc)
  log('wrote docs/benchmarks.md')
}

const runners: Record<Scenario, () => Promise<void>> = {
  fanout: () => fanoutOrDrag('fanout'),
  drag: () => fanoutOrDrag('drag'),
  memory,
  coldload,
  persistence,
  capacity,
}

async function main(): Promise<void> {
  const startedAt = new Date()
  log(`scenarios: ${selected.join(', ')}${quick ? ' (quick)' : ''}; pinning ${canPin ? 'on' : 'off'}`)
  for (const scenario of selected) await runners[scenario]()
  const elapsed = Date.now() - startedAt.getTime()
  if (onlyArg) log('docs/benchmarks.md is written by runs of every scenario (no --only); left as it was')
  else writeReport(startedAt, elapsed)
  log(`done in ${(elapsed / 60_000).toFixed(1)} min`)
}

function cleanUp(): void {
  killChildren()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
}

process.on('SIGINT', () => {
  cleanUp()
  process.exit(130)
})

main()
  .then(cleanUp)
  .catch((error: unknown) => {
    console.error(error)
    cleanUp()
    process.exitCode = 1
  })
