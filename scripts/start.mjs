// npm start: builds the app when no production build exists, then serves pages and sync.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { APP_SERVER_ARGS, serverEnv } from '../server/node-flags.mjs'

if (!existsSync('.next/BUILD_ID')) {
  console.log('No production build yet: running `next build` (once).')
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const server = spawn(process.execPath, [...APP_SERVER_ARGS, ...process.argv.slice(2)], { stdio: 'inherit', env: serverEnv() })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 0))
