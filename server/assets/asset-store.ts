import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { isRoomId } from '../../lib/sync/protocol'
import { contentTypeFor, sniffImage } from './sniff'

export const MAX_ASSET_BYTES = 10 * 1024 * 1024

/** Asset ids are the SHA-256 of the bytes and the sniffed extension: nothing a path can escape. */
const ASSET_ID = /^[a-f0-9]{64}\.(png|jpg|gif|webp)$/

export type SavedAsset = { ok: true; assetId: string } | { ok: false; status: 413 | 415; error: string }

/** Images pasted on a room's canvas, kept in DATA_DIR/assets/<roomId>/. */
export class AssetStore {
  constructor(private readonly dir: string) {}

  async save(roomId: string, bytes: Uint8Array): Promise<SavedAsset> {
    if (bytes.length > MAX_ASSET_BYTES) return { ok: false, status: 413, error: `Images are limited to ${MAX_ASSET_BYTES / 1024 / 1024} MB` }
    const type = sniffImage(bytes)
    if (!type) return { ok: false, status: 415, error: 'Only PNG, JPEG, GIF and WebP images can be added' }
    if (!isRoomId(roomId)) throw new Error('invalid room id')
    const assetId = `${createHash('sha256').update(bytes).digest('hex')}.${type.extension}`
    await mkdir(path.join(this.dir, roomId), { recursive: true })
    await writeFile(path.join(this.dir, roomId, assetId), bytes)
    return { ok: true, assetId }
  }

  async read(roomId: string, assetId: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    if (!isRoomId(roomId) || !ASSET_ID.test(assetId)) return null
    const contentType = contentTypeFor(assetId.split('.')[1] ?? '')
    if (!contentType) return null
    try {
      return { bytes: await readFile(path.join(this.dir, roomId, assetId)), contentType }
    } catch {
      return null
    }
  }
}
