// Run by sqlite-store.test.ts in a process of its own: opens a store, closes it, then says so.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from './sqlite-store'

const store = openSqliteStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'boxes-close-')), 'rooms.sqlite'))
await store.close()
console.log('closed, and still running')
