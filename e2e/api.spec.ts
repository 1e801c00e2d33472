import { expect, test } from '@playwright/test'
import { AppServer } from './app-server'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

test('POST /api/rooms creates a room with one link per role', async ({ request }) => {
  const response = await request.post(`${app.origin}/api/rooms`, { data: { title: 'Design a rate limiter', problem: 'Per-user limits' } })
  expect(response.status()).toBe(201)
  const body = await response.json()
  expect(body.roomId).toMatch(/^[A-Za-z0-9_-]{24}$/)
  for (const role of ['interviewer', 'candidate', 'reviewer']) {
    expect(body.links[role]).toMatch(new RegExp(`^${app.origin}/r/${body.roomId}#token=[1-9][0-9]*\\.[A-Za-z0-9_-]{32}$`))
  }
  const tokens = new Set(Object.values(body.links as Record<string, string>).map((link) => link.split('#token=')[1]))
  expect(tokens.size).toBe(3)

  for (const [role, link] of Object.entries(body.links as Record<string, string>)) {
    const token = link.split('#token=')[1]
    const access = await request.get(`${app.origin}/api/rooms/${body.roomId}/access`, { headers: { Authorization: `Bearer ${token}` } })
    expect(access.status()).toBe(200)
    const info = await access.json()
    expect(info.role).toBe(role)
    expect(Boolean(info.links)).toBe(role === 'interviewer')
  }
})

test('bad bodies get 400 with the field errors and create nothing', async ({ request }) => {
  const cases: Array<[unknown, string]> = [
    [{}, 'title'],
    [{ title: '' }, 'title'],
    [{ title: 42 }, 'title'],
    [{ title: 'ok', problem: 7 }, 'problem'],
    [{ title: 'x'.repeat(201) }, 'title'],
  ]
  for (const [data, field] of cases) {
    const response = await request.post(`${app.origin}/api/rooms`, { data: data as object })
    expect(response.status(), JSON.stringify(data)).toBe(400)
    const body = await response.json()
    expect(body.fields[field]?.length, JSON.stringify(body)).toBeGreaterThan(0)
  }
  const notJson = await request.post(`${app.origin}/api/rooms`, { data: 'title=hello', headers: { 'Content-Type': 'text/plain' } })
  expect(notJson.status()).toBe(400)
  const huge = await request.post(`${app.origin}/api/rooms`, { data: { title: 'ok', problem: 'p'.repeat(200_000) } })
  expect(huge.status()).toBe(413)
})

test('the access API answers 401, 403 and 404 for a missing token, a wrong token and an unknown room', async ({ request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'T' } })).json()
  const url = `${app.origin}/api/rooms/${created.roomId}/access`
  expect((await request.get(url)).status()).toBe(401)
  expect((await request.get(url, { headers: { Authorization: 'Bearer wrong' } })).status()).toBe(403)
  const unknownId = 'Q'.repeat(24)
  const unknown = `${app.origin}/api/rooms/${unknownId}/access`
  // A wrong token gets the same answer whether or not the room exists.
  expect((await request.get(unknown, { headers: { Authorization: 'Bearer wrong' } })).status()).toBe(403)
  expect((await request.get(unknown, { headers: { Authorization: `Bearer ${created.links.candidate.split('#token=')[1]}` } })).status()).toBe(403)
  // Only a token signed for that room id (by this server's secret) learns that it does not exist.
  expect((await request.get(unknown, { headers: { Authorization: `Bearer ${app.signedTokenFor(unknownId)}` } })).status()).toBe(404)
})

test('pages carry the security headers', async ({ request }) => {
  const response = await request.get(app.origin)
  const headers = response.headers()
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(headers['content-security-policy']).toContain("default-src 'self'")
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('no-referrer')
})

test('role matrix over HTTP: what each link may ask of every endpoint', async ({ request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Matrix' } })).json()
  const base = `${app.origin}/api/rooms/${created.roomId}`
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
  const auth = (role: 'interviewer' | 'candidate' | 'reviewer') => ({ Authorization: `Bearer ${created.links[role].split('#token=')[1]}` })
  const expected = {
    interviewer: { access: 200, exportJson: 200, exportMd: 200, upload: 201, rotate: 200 },
    candidate: { access: 200, exportJson: 200, exportMd: 200, upload: 201, rotate: 403 },
    reviewer: { access: 200, exportJson: 200, exportMd: 200, upload: 403, rotate: 403 },
  } as const
  for (const role of ['candidate', 'reviewer', 'interviewer'] as const) {
    const headers = auth(role)
    const access = await request.get(`${base}/access`, { headers })
    expect(access.status(), `${role} access`).toBe(expected[role].access)
    const info = await access.json()
    expect(info.role).toBe(role)
    // Only the interviewer is given the links to share.
    expect(Boolean(info.links), `${role} sees links`).toBe(role === 'interviewer')
    expect((await request.get(`${base}/export?format=json`, { headers })).status(), `${role} export json`).toBe(expected[role].exportJson)
    expect((await request.get(`${base}/export?format=md`, { headers })).status(), `${role} export md`).toBe(expected[role].exportMd)
    const upload = await request.post(`${base}/assets`, { headers: { ...headers, 'Content-Type': 'application/octet-stream' }, data: png })
    expect(upload.status(), `${role} upload`).toBe(expected[role].upload)
    // The candidate link is rotated last (by the interviewer), so the other rows keep working.
    const rotate = await request.post(`${base}/links`, { headers, data: { role: 'reviewer' } })
    expect(rotate.status(), `${role} rotate`).toBe(expected[role].rotate)
  }
  // The interviewer replaced the reviewer link: the old one is refused everywhere.
  expect((await request.get(`${base}/access`, { headers: auth('reviewer') })).status()).toBe(403)
  expect((await request.get(`${base}/export?format=json`, { headers: auth('reviewer') })).status()).toBe(403)
})
