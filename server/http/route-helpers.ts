import { NextResponse } from 'next/server'
import type { z } from 'zod'

export const MAX_JSON_BODY_BYTES = 64 * 1024

export function jsonError(status: number, error: string, fields?: Record<string, string[]>) {
  return NextResponse.json({ error, ...(fields ? { fields } : {}) }, { status, headers: { 'Cache-Control': 'no-store' } })
}

/** Reads and validates a JSON body; returns the data or a ready 400/413 response. */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<{ data: z.infer<T> } | { response: NextResponse }> {
  const text = await readBoundedText(request, MAX_JSON_BODY_BYTES)
  if (text === null) return { response: jsonError(413, `Request body is larger than ${MAX_JSON_BODY_BYTES} bytes`) }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { response: jsonError(400, 'Request body must be JSON') }
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const fields: Record<string, string[]> = {}
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(body)'
      ;(fields[key] ??= []).push(issue.message)
    }
    return { response: jsonError(400, 'Invalid request body', fields) }
  }
  return { data: parsed.data }
}

/** The body as text, or null as soon as it exceeds `limit` bytes (without reading the rest). */
async function readBoundedText(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return null
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] ?? null
}

export function requestOrigin(request: Request, configured: string | undefined): string {
  if (configured) return configured.replace(/\/$/, '')
  const url = new URL(request.url)
  const host = request.headers.get('host') ?? url.host
  const proto = request.headers.get('x-forwarded-proto') ?? url.protocol.replace(':', '')
  return `${proto}://${host}`
}
