import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'
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
})
