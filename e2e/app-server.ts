import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { RoomTokens } from '../server/rooms/tokens'
import { APP_SERVER_ARGS, serverEnv } from '../server/node-flags.mjs'

/** Finds a port that is free now, so a restarted server can come back on the same one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/**
 * The real app (Next + sync, one process) on its own port and DATA_DIR, started the way
 * `npm start` starts it, from the production build.
 */
export class AppServer {
  private child: ChildProcess | null = null
  private constructor(readonly port: number, readonly dataDir: string) {}

  static async start(): Promise<AppServer> {
    const server = new AppServer(await freePort(), mkdtempSync(path.join(os.tmpdir(), 'boxes-e2e-')))
    await server.launch()
    return server
  }

  get origin(): string {
    return `http://localhost:${this.port}`
  }

  get syncUrl(): string {
    return `ws://127.0.0.1:${this.port}/sync`
  }

  /** A token this server would accept for `roomId` (as a candidate) if the room existed. */
  signedTokenFor(roomId: string): string {
    const secret = Buffer.from(readFileSync(path.join(this.dataDir, 'token-secret'), 'utf8').trim())
    return new RoomTokens(secret).tokenFor({ roomId, createdAt: 0, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } }, 'candidate')
  }

  async launch(): Promise<void> {
    const child = spawn(process.execPath, [...APP_SERVER_ARGS], {
      env: serverEnv({ ...process.env, PORT: String(this.port), HOST: '127.0.0.1', DATA_DIR: this.dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Boxes & Arrows on http')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
      // E2E_SERVER_LOG=1 shows the server's log (refused connections, with their reasons) while debugging.
      if (process.env.E2E_SERVER_LOG) child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk))
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`server exited with ${code}:\n${output}`))
      })
    })
  }

  /** Kills the process without letting it clean up, as a crash would. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill(signal)
    })
    this.child = null
  }

  async restart(): Promise<void> {
    await this.kill()
    await this.launch()
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM')
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}
