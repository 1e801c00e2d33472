import { NextResponse } from 'next/server'
import { MAX_ASSET_BYTES } from '@/server/assets/asset-store'
import { bearerToken, jsonError } from '@/server/http/route-helpers'
import { getRoomServices } from '@/server/services'

export const dynamic = 'force-dynamic'

/** Uploads an image pasted on the canvas. The bytes decide what it is, not its name. */
export async function POST(request: Request, { params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  const services = getRoomServices()
  const access = await services.checkAccess(roomId, bearerToken(request))
  if (!access.ok) return jsonError(access.status, access.error)
  if (access.role === 'reviewer') return jsonError(403, 'Reviewers cannot add images')
  if (Number(request.headers.get('content-length') ?? 0) > MAX_ASSET_BYTES) return jsonError(413, `Images are limited to ${MAX_ASSET_BYTES / 1024 / 1024} MB`)
  const bytes = new Uint8Array(await request.arrayBuffer())
  const saved = await services.assets.save(roomId, bytes)
  if (!saved.ok) return jsonError(saved.status, saved.error)
  return NextResponse.json({ src: `/api/rooms/${roomId}/assets/${saved.assetId}` }, { status: 201 })
}
