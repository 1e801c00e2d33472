import { NextResponse } from 'next/server'
import { NewRoom } from '@/lib/rooms/api'
import { getRoomServices } from '@/server/services'
import { readJsonBody, requestOrigin } from '@/server/http/route-helpers'

export const dynamic = 'force-dynamic'

export async function POST(request: Request) {
  const body = await readJsonBody(request, NewRoom)
  if ('response' in body) return body.response
  const services = getRoomServices()
  const created = await services.createRoom(body.data, requestOrigin(request, services.publicOrigin))
  return NextResponse.json(created, { status: 201, headers: { 'Cache-Control': 'no-store' } })
}
