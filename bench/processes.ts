import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import { freePort } from '../e2e/app-server'
import { SERVER_NODE_FLAGS, serverEnv } from '../server/node-flags.mjs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { hasType, type FromLoad, type GcPauses, type FromServer, type LoadJob, type LoadResult, type MemoryStats, type RoomTarget, type StoreTiming, type ToLoad, type ToServer } from './messages'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const REFERENCE_BIN = path.join(ROOT, 'node_modules/@y/websocket-server/src/server.js')

/** The server runs on CPU 0 and the load generator on CPU 1, when the machine allows. */
const SERVER_CPU = 0
const LOAD_CPU = 1
export const canPin = os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

const running = new Set<ChildProcess>()

/**
 * The load generator's garbage collector, tuned so its own pauses stay out of the latencies it
 * times (both servers alike): a large young generation (GC was 14% of its CPU), and an old
 * generation that starts at 4 GiB with the idle-time memory reducer off, so a 2-minute run needs
 * no full GC (those paused its loop 60-125 ms, and every delivery in the pause was late).
 */
const LOAD_GENERATOR_GC = ['--max-semi-space-size=64', '--initial-old-space-size=4096', '--no-memory-reducer']

/** Node flags for a child from the environment, e.g. BENCH_SERVER_NODE_OPTIONS='--cpu-prof'. */
function extraNodeOptions(variable: 'BENCH_SERVER_NODE_OPTIONS' | 'BENCH_LOAD_NODE_OPTIONS'): string[] {
  return (process.env[variable] ?? '').split(' ').filter(Boolean)
}

/** Kills every child this runner started (each by its own pid). */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}

interface NodeChild {
  child: ChildProcess
  /** The last lines the child wrote, for error messages. */
  output(): string
  exited: Promise<number | null>
}

function spawnNode(cpu: number, args: string[], env: Record<string, string | undefined> = {}): NodeChild {
  const options = {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced' as const,
  }
  const child = canPin
    ? spawn('taskset', ['-c', String(cpu), process.execPath, ...args], options)
    : spawn(process.execPath, args, options)
  running.add(child)
  const lines: string[] = []
  // BENCH_CHILD_OUTPUT=<dir>: each child's whole output also goes to <dir>/<pid>.log (e.g. with --trace-gc).
  const outputDir = process.env.BENCH_CHILD_OUTPUT
  if (outputDir && child.pid !== undefined) {
    const log = createWriteStream(path.join(outputDir, `${child.pid}.log`))
    child.stdout?.pipe(log, { end: false })
    child.stderr?.pipe(log, { end: false })
    child.on('exit', () => log.end())
  }
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    lines.splice(0, Math.max(0, lines.length - 40))
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  return { child, output: () => lines.join('\n'), exited }
}

/** The next IPC message of `type` from a child, or an error if it exits first. */
function nextOfType<M extends { type: string }, T extends M['type']>(
  node: NodeChild,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' within ${timeoutMs} ms\n${node.output()}`)), timeoutMs)
    const onMessage = (message: unknown) => {
      if (hasType<M>(message) && message.type === type) done(null, message as Extract<M, { type: T }>)
    }
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before '${type}'\n${node.output()}`))
    const done = (error: Error | null, message?: Extract<M, { type: T }>) => {
      clearTimeout(timer)
      node.child.off('message', onMessage)
      node.child.off('exit', onExit)
      if (error || !message) reject(error ?? new Error('no message'))
      else resolve(message)
    }
    node.child.on('message', onMessage)
    node.child.on('exit', onExit)
  })
}

/** Our server, the reference server, and the bare relay (bench/relay-server.ts: the machine's floor). */
export type ServerKind = 'ours' | 'reference' | 'relay'

export interface ServerProcess {
  kind: ServerKind
  pid: number
  /** Base URL a client appends `/<roomId>` to. */
  url: string
  stats(): Promise<MemoryStats>
  /** Event-loop delay (ms) since the previous call. */
  loopDelay(): Promise<{ p99: number; max: number; gc: GcPauses }>
  /** Our server's store calls since the previous call; null for the reference. */
  storeTiming(): Promise<StoreTiming | null>
  createRooms(count: number, label: string): Promise<RoomTarget[]>
  /** CPU seconds the process has used so far. */
  cpuSeconds(): number
  stop(): Promise<void>
}

export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the command name: state is field 3, utime 14 and stime 15 (proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** CPU seconds every CPU of the machine has spent busy since boot. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  // user nice system idle iowait irq softirq steal (proc(5)); idle and iowait are not busy.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number)
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
}

function serverProcess(kind: ServerKind, node: NodeChild, url: string): ServerProcess {
  const pid = node.child.pid
  if (pid === undefined) throw new Error(`${kind} server did not start`)
  const send = (message: ToServer) => node.child.send(message)
  return {
    kind,
    pid,
    url,
    async stats() {
      const reply = nextOfType<FromServer, 'stats'>(node, 'stats', 30_000)
      send({ type: 'stats' })
      return (await reply).stats
    },
    async loopDelay() {
      const reply = nextOfType<FromServer, 'loop-delay'>(node, 'loop-delay', 30_000)
      send({ type: 'loop-delay' })
      const { p99, max, gc } = await reply
      return { p99, max, gc }
    },
    async storeTiming() {
      if (kind !== 'ours') return null
      const reply = nextOfType<FromServer, 'store-timing'>(node, 'store-timing', 30_000)
      send({ type: 'store-timing' })
      return (await reply).timing
    },
    async createRooms(count, label) {
      if (kind !== 'ours') {
        // The reference and the relay create a room on first connection and know no tokens.
        return Array.from({ length: count }, (_, i) => ({ roomId: `bench-${label}-${i}`, token: null }))
      }
      const reply = nextOfType<FromServer, 'rooms'>(node, 'rooms', 120_000)
      send({ type: 'create-rooms', count })
      return (await reply).rooms
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    async stop() {
      node.child.kill('SIGTERM')
      const timer = setTimeout(() => node.child.kill('SIGKILL'), 10_000)
      await node.exited
      clearTimeout(timer)
    },
  }
}

export async function startOurServer(options: {
  dataDir: string
  secretHex: string
  memoryStore?: boolean
  unloadMs?: number
  hibernateMs?: number
}): Promise<ServerProcess> {
  // As in production (scripts/start.mjs), then anything BENCH_SERVER_NODE_OPTIONS adds.
  const args = [...SERVER_NODE_FLAGS, ...extraNodeOptions('BENCH_SERVER_NODE_OPTIONS'), '--expose-gc', '--import', 'tsx', 'bench/our-server.ts', `--data-dir=${options.dataDir}`]
  if (options.memoryStore) args.push('--memory')
  if (options.unloadMs !== undefined) args.push(`--unload-ms=${options.unloadMs}`)
  if (options.hibernateMs !== undefined) args.push(`--hibernate-ms=${options.hibernateMs}`)
  // The production environment (server/node-flags.mjs), unless this run's environment says otherwise.
  const node = spawnNode(SERVER_CPU, args, { ...serverEnv(), BENCH_TOKEN_SECRET: options.secretHex })
  const { port } = await nextOfType<FromServer, 'ready'>(node, 'ready', 60_000)
  return serverProcess('ours', node, `ws://127.0.0.1:${port}/sync`)
}

/** The stock y-websocket server bin, unmodified, with only a memory probe preloaded. */
export async function startReferenceServer(): Promise<ServerProcess> {
  const port = await freePort()
  const node = spawnNode(
    SERVER_CPU,
    ['--expose-gc', '--import', 'tsx', '--import', './bench/reference-probe.ts', REFERENCE_BIN],
    { HOST: '127.0.0.1', PORT: String(port) },
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reference server did not start\n${node.output()}`)), 60_000)
    const onData = (chunk: Buffer) => {
      if (!chunk.toString('utf8').includes('running at')) return
      clearTimeout(timer)
      node.child.stdout?.off('data', onData)
      resolve()
    }
    node.child.stdout?.on('data', onData)
    node.exited.then((code) => reject(new Error(`reference server exited (${code})\n${node.output()}`)))
  })
  return serverProcess('reference', node, `ws://127.0.0.1:${port}`)
}

/** The bare relay (bench/relay-server.ts), pinned and probed like the others. */
export async function startRelayServer(): Promise<ServerProcess> {
  const node = spawnNode(SERVER_CPU, [...extraNodeOptions('BENCH_SERVER_NODE_OPTIONS'), '--expose-gc', '--import', 'tsx', 'bench/relay-server.ts'], {})
  const { port } = await nextOfType<FromServer, 'ready'>(node, 'ready', 60_000)
  return serverProcess('relay', node, `ws://127.0.0.1:${port}`)
}

export interface LoadHooks {
  /** While the load generator holds its clients (hold jobs). */
  onHeld?(): Promise<void>
  /** The load generator asks to wait until the server unloaded its rooms. */
  onAwaitUnload?(): Promise<void>
  /** The measured window starts (true) or ends (false); loadPid is the load generator's. */
  onMeasuring?(running: boolean, loadPid: number): void
}

/** Runs one job in a fresh load-generator process and returns its result. */
export async function runLoadJob(job: LoadJob, hooks: LoadHooks = {}, timeoutMs = 300_000): Promise<LoadResult> {
  // A larger young generation: the generator allocates per frame, and with V8's default the
  // collections took 14% of its CPU and stalled its loop (which every latency figure includes).
  const node = spawnNode(LOAD_CPU, [...LOAD_GENERATOR_GC, ...extraNodeOptions('BENCH_LOAD_NODE_OPTIONS'), '--import', 'tsx', 'bench/load.ts'])
  const send = (message: ToLoad) => node.child.send(message)
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load job ${job.kind} took over ${timeoutMs} ms\n${node.output()}`)), timeoutMs)
      const finish = (error: Error | null, result?: LoadResult) => {
        clearTimeout(timer)
        if (error || !result) reject(error ?? new Error('no result'))
        else resolve(result)
      }
      node.child.on('message', (message: unknown) => {
        if (!hasType<FromLoad>(message)) return
        switch (message.type) {
          case 'measuring':
            if (node.child.pid !== undefined) hooks.onMeasuring?.(message.running, node.child.pid)
            break
          case 'held':
            void (hooks.onHeld?.() ?? Promise.resolve()).then(
              () => send({ type: 'release' }),
              (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
            )
            break
          case 'await-unload':
            void (hooks.onAwaitUnload?.() ?? Promise.resolve()).then(
              () => send({ type: 'unloaded' }),
              (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
            )
            break
          case 'result':
            finish(null, message.result)
            break
          case 'failed':
            finish(new Error(`load generator failed: ${message.message}`))
            break
        }
      })
      void node.exited.then((code) => finish(new Error(`load generator exited (${code})\n${node.output()}`)))
      send({ type: 'job', job })
    })
  } finally {
    // It exits by itself after its answer; one that does not is stuck.
    const timer = setTimeout(() => node.child.kill('SIGKILL'), 10_000)
    await node.exited
    clearTimeout(timer)
  }
}
