import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, syncLimitsOf } from './config'
import { loadOrCreateTokenSecret } from './rooms/tokens'

describe('configuration', () => {
  it('C1: defaults apply when nothing is set', () => {
    const config = loadConfig({})
    expect(config.PORT).toBe(3000)
    expect(config.DATA_DIR).toBe('./data')
  })

  it('C2: a bad value stops start-up with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/)
    expect(() => loadConfig({ TOKEN_SECRET: 'short' })).toThrow(/TOKEN_SECRET: must be at least 32 characters/)
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'not a url' })).toThrow(/PUBLIC_ORIGIN/)
  })

  it('C3: the token secret is generated once into DATA_DIR with mode 0600 and reused', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'boxes-secret-')), 'nested')
    const first = loadOrCreateTokenSecret(dir)
    const file = path.join(dir, 'token-secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadOrCreateTokenSecret(dir).equals(first)).toBe(true)
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32)
    expect(loadOrCreateTokenSecret(dir, 'y'.repeat(40)).toString()).toBe('y'.repeat(40))
  })

  it('C4: sync limits come from the environment; unset ones keep the server defaults; bad ones stop start-up', () => {
    expect(syncLimitsOf(loadConfig({}))).toEqual({})
    expect(syncLimitsOf(loadConfig({ SYNC_MAX_MESSAGE_BYTES: '1048576', SYNC_MAX_CONNECTIONS_PER_ROOM: '8' }))).toEqual({
      maxMessageBytes: 1_048_576,
      maxConnectionsPerRoom: 8,
    })
    expect(() => loadConfig({ SYNC_MESSAGES_PER_SECOND: '0' })).toThrow(/SYNC_MESSAGES_PER_SECOND/)
    expect(() => loadConfig({ SYNC_MAX_MESSAGE_BYTES: '100' })).toThrow(/SYNC_MAX_MESSAGE_BYTES: must be at least 65536/)
    expect(() => loadConfig({ SYNC_MAX_LOADED_ROOMS: 'many' })).toThrow(/SYNC_MAX_LOADED_ROOMS/)
  })
})
