import { NextResponse } from 'next/server'
import { z } from 'zod'
import { renderReportMarkdown } from '@/lib/report/markdown'
import { fileSlug } from '@/lib/report/file-name'
import { bearerToken, jsonError, requestOrigin } from '@/server/http/route-helpers'
import { getRoomServices } from '@/server/services'

export const dynamic = 'force-dynamic'

const Format = z.enum(['json', 'md'])

/** The room as JSON or its report as Markdown, for automation (Bearer room token). */
export async function GET(request: Request, { params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  const format = Format.safeParse(new URL(request.url).searchParams.get('format') ?? 'json')
  if (!format.success) return jsonError(400, 'format must be json or md', { format: ['Expected json or md'] })
  const services = getRoomServices()
  const access = await services.checkAccess(roomId, bearerToken(request))
  if (!access.ok) return jsonError(access.status, access.error)
  const room = await services.exportRoom(roomId)
  if (!room) return jsonError(404, 'Room not found')
  const headers = { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${fileSlug(room.meta.title, 'room')}.${format.data === 'md' ? 'md' : 'json'}"` }
  if (format.data === 'json') return NextResponse.json(room, { headers })
  // Images are drawn in the browser, so the API's report links to the room instead.
  const diagram = `The diagram is in the room: ${requestOrigin(request, services.publicOrigin)}/r/${roomId} (open it with your link).`
  return new NextResponse(renderReportMarkdown(room, { at: Date.now(), diagram }), {
    headers: { ...headers, 'Content-Type': 'text/markdown; charset=utf-8' },
  })
}
