import { Worker } from 'node:worker_threads'
import { foldEncoding } from './fold-encoding.mjs'

interface Job {
  name: string
  base: Uint8Array
  changes: readonly Uint8Array[]
  resolve(encoded: Uint8Array): void
  reject(error: Error): void
}

type Reply = { id: number; encoded: Uint8Array } | { id: number; error: string }

/**
 * Folds rooms' changes into their encodings (foldEncoding) on a worker thread. A snapshot of a
 * room that holds no Y.Doc builds one to write its encoding: 5-50 ms for boards of 1-500 shapes
 * and ~0.2 s for 5,000, which on the event loop delayed every delivery of every room meanwhile
 * (drag benchmark: 50 snapshots in 20 s held the loop up to 20 ms each). One worker takes the
 * jobs in order. If it cannot start or dies, its jobs and every later one run inline, as before.
 */
export class Compactor {
  private worker: Worker | null = null
  private readonly jobs = new Map<number, Job>()
  private nextId = 1
  private inline = false
  private closed = false
  /** Folds the worker did (not inline). */
  folded = 0

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** Starts the worker now rather than at the first fold, which would wait for it. */
  warm(): void {
    if (!this.inline && !this.closed) this.start()
  }

  /** `base` with `changes` applied, encoded by a Y.Doc. The inputs are copied to the worker. */
  fold(name: string, base: Uint8Array, changes: readonly Uint8Array[]): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const job: Job = { name, base, changes, resolve, reject }
      const worker = this.inline || this.closed ? null : this.start()
      if (!worker) return this.runInline(job)
      const id = this.nextId++
      this.jobs.set(id, job)
      worker.postMessage({ id, name, base, changes })
    })
  }

  /** Finishes the jobs in hand (inline) and stops the worker. */
  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = null
    this.takeBackJobs()
    await worker?.terminate()
  }

  private start(): Worker | null {
    if (this.worker) return this.worker
    try {
      // Plain JavaScript: no loader flags (a TypeScript loader in the worker took ~0.2 s to start).
      const worker = new Worker(new URL('./compact-worker.mjs', import.meta.url), { execArgv: [] })
      worker.unref()
      worker.on('message', (reply: Reply) => this.settle(reply))
      worker.on('error', (error) => this.giveUp(worker, `compaction worker failed: ${error.message}`))
      worker.on('exit', (code) => this.giveUp(worker, `compaction worker exited (${code})`))
      this.worker = worker
      return worker
    } catch (error) {
      this.giveUp(null, `compaction worker could not start: ${error instanceof Error ? error.message : String(error)}`)
      return null
    }
  }

  private settle(reply: Reply): void {
    const job = this.jobs.get(reply.id)
    if (!job) return
    this.jobs.delete(reply.id)
    if ('error' in reply) job.reject(new Error(reply.error))
    else {
      this.folded += 1
      job.resolve(reply.encoded)
    }
  }

  /** From now on folds run inline; the jobs the worker held run inline too. */
  private giveUp(worker: Worker | null, message: string): void {
    if (worker !== this.worker || this.closed) return
    this.worker = null
    this.inline = true
    this.log(`${message}; folding on the main thread from now on`)
    this.takeBackJobs()
    void worker?.terminate()
  }

  private takeBackJobs(): void {
    const jobs = [...this.jobs.values()]
    this.jobs.clear()
    for (const job of jobs) this.runInline(job)
  }

  private runInline(job: Job): void {
    try {
      job.resolve(foldEncoding(job.name, job.base, job.changes))
    } catch (error) {
      job.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
