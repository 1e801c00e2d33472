import { NextResponse } from 'next/server'
import type { RoomAccessInfo } from '@/lib/rooms/access-info'
import { getRoomServices } from '@/server/services'
import { bearerToken, jsonError, requestOrigin } from '@/server/http/route-helpers'

export const dynamic = 'force-dynamic'

/** What the caller's link grants: its role, and for the interviewer the links to share. */
export async function GET(request: Request, { params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  const services = getRoomServices()
  const access = await services.checkAccess(roomId, bearerToken(request))
  if (!access.ok) return jsonError(access.status, access.error)
  const body: RoomAccessInfo = { roomId, role: access.role }
  if (access.role === 'interviewer') body.links = services.links(access.room, requestOrigin(request, services.publicOrigin))
  return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } })
}
