import { bearerToken, jsonError } from '@/server/http/route-helpers'
import { getRoomServices } from '@/server/services'

export const dynamic = 'force-dynamic'

/** Serves an uploaded image to holders of a room link (the token comes as ?token= for <img>). */
export async function GET(request: Request, { params }: { params: Promise<{ roomId: string; assetId: string }> }) {
  const { roomId, assetId } = await params
  const services = getRoomServices()
  const token = bearerToken(request) ?? new URL(request.url).searchParams.get('token')
  const access = await services.checkAccess(roomId, token)
  if (!access.ok) return jsonError(access.status, access.error)
  const asset = await services.assets.read(roomId, assetId)
  if (!asset) return jsonError(404, 'Image not found')
  return new Response(new Uint8Array(asset.bytes), {
    headers: {
      'Content-Type': asset.contentType,
      'Content-Length': String(asset.bytes.length),
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=31536000, immutable',
    },
  })
}
