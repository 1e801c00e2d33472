import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AssetStore, MAX_ASSET_BYTES } from './asset-store'
import { sniffImage } from './sniff'

const ROOM = 'r'.repeat(24)
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])

describe('image uploads', () => {
  it('U1: images are recognised by their bytes', () => {
    expect(sniffImage(PNG)?.contentType).toBe('image/png')
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))?.contentType).toBe('image/jpeg')
    expect(sniffImage(new TextEncoder().encode('GIF89a....'))?.contentType).toBe('image/gif')
    expect(sniffImage(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))?.contentType).toBe('image/webp')
    expect(sniffImage(new TextEncoder().encode('<script>alert(1)</script>'))).toBeNull()
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull()
    expect(sniffImage(new Uint8Array())).toBeNull()
  })

  it('U2: a script renamed .png is refused; a real PNG is stored and read back byte for byte', async () => {
    const store = new AssetStore(mkdtempSync(path.join(os.tmpdir(), 'boxes-assets-')))
    const script = await store.save(ROOM, new TextEncoder().encode('#!/bin/sh\nrm -rf /'))
    expect(script).toMatchObject({ ok: false, status: 415 })
    const saved = await store.save(ROOM, PNG)
    expect(saved.ok).toBe(true)
    if (!saved.ok) return
    expect(saved.assetId).toMatch(/^[a-f0-9]{64}\.png$/)
    const read = await store.read(ROOM, saved.assetId)
    expect(read?.contentType).toBe('image/png')
    expect(new Uint8Array(read?.bytes ?? [])).toEqual(PNG)
  })

  it('U3: oversized images, path tricks and other rooms get nothing', async () => {
    const store = new AssetStore(mkdtempSync(path.join(os.tmpdir(), 'boxes-assets-')))
    const huge = new Uint8Array(MAX_ASSET_BYTES + 1)
    huge.set(PNG)
    expect(await store.save(ROOM, huge)).toMatchObject({ ok: false, status: 413 })
    const saved = await store.save(ROOM, PNG)
    if (!saved.ok) throw new Error('not saved')
    expect(await store.read('o'.repeat(24), saved.assetId)).toBeNull()
    expect(await store.read(ROOM, `../${saved.assetId}`)).toBeNull()
    expect(await store.read(ROOM, '../../token-secret')).toBeNull()
  })
})
