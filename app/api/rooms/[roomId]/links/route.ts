import { NextResponse } from 'next/server'
import { z } from 'zod'
import { bearerToken, jsonError, readJsonBody, requestOrigin } from '@/server/http/route-helpers'
import { getRoomServices } from '@/server/services'

export const dynamic = 'force-dynamic'

const Rotation = z.object({ role: z.enum(['candidate', 'reviewer']) })

/**
 * Replaces the candidate or reviewer link (interviewer only): the old link stops working at
 * once and its open connections are closed.
 */
export async function POST(request: Request, { params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  const services = getRoomServices()
  const access = await services.checkAccess(roomId, bearerToken(request))
  if (!access.ok) return jsonError(access.status, access.error)
  if (access.role !== 'interviewer') return jsonError(403, 'Only the interviewer can replace links')
  const body = await readJsonBody(request, Rotation)
  if ('response' in body) return body.response
  const room = await services.rotateLink(roomId, body.data.role)
  return NextResponse.json({ links: services.links(room, requestOrigin(request, services.publicOrigin)) }, { headers: { 'Cache-Control': 'no-store' } })
}
