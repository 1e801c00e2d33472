'use client'

import type { TLAssetStore } from 'tldraw'

/**
 * Images go to the server and the document keeps only their URL (never the bytes). The
 * room token is added when an image is shown, so it is never stored in the document.
 */
export function roomAssetStore(roomId: string, token: string): TLAssetStore {
  const prefix = `/api/rooms/${roomId}/assets/`
  return {
    async upload(_asset, file) {
      const response = await fetch(prefix, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: file })
      const body = (await response.json().catch(() => ({}))) as { src?: string; error?: string }
      if (!response.ok || !body.src) throw new Error(body.error ?? `Upload failed (${response.status})`)
      return { src: body.src }
    },
    resolve(asset) {
      const src = asset.props.src
      if (!src) return null
      return src.startsWith(prefix) ? `${src}?token=${encodeURIComponent(token)}` : src
    },
  }
}
