import { expect, test } from '@playwright/test'
import { AppServer } from './app-server'
import { drawRectangle, joinWithLink, shapes } from './helpers'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

test('an image added by the candidate reaches the interviewer; a reviewer reads everything and changes nothing', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Design a photo service' } })).json()
  const { context: ic, page: interviewer } = await joinWithLink(browser, created.links.interviewer, 'Ivy')
  const { context: cc, page: candidate } = await joinWithLink(browser, created.links.candidate, 'Cora')

  await test.step('the candidate inserts an image; it is uploaded, not put in the document, and shows for the interviewer', async () => {
    const png = await candidate.screenshot({ clip: { x: 0, y: 0, width: 120, height: 40 } })
    const chooser = candidate.waitForEvent('filechooser')
    await candidate.getByTestId('tools.asset').click()
    await (await chooser).setFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png })
    await expect(candidate.locator('.tl-shape[data-shape-type="image"]')).toHaveCount(1)
    const image = interviewer.locator('.tl-shape[data-shape-type="image"] img')
    await expect(image).toHaveCount(1)
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
    await expect(image).toHaveAttribute('src', new RegExp(`/api/rooms/${created.roomId}/assets/[a-f0-9]{64}\\.png\\?token=`))
    const room = await (await request.get(`${app.origin}/api/rooms/${created.roomId}/export?format=json`, { headers: { Authorization: `Bearer ${created.links.interviewer.split('#token=')[1]}` } })).json()
    const asset = room.tldraw.records.find((r: { typeName: string }) => r.typeName === 'asset')
    expect(asset.props.src).toMatch(/^\/api\/rooms\/.+\.png$/)
  })

  await test.step('uploads are sniffed and images are served only to link holders', async () => {
    const candidateToken = created.links.candidate.split('#token=')[1]
    const script = await request.post(`${app.origin}/api/rooms/${created.roomId}/assets`, {
      headers: { Authorization: `Bearer ${candidateToken}`, 'Content-Type': 'image/png' },
      data: Buffer.from('<script>alert(1)</script>'),
    })
    expect(script.status()).toBe(415)
    const src = (await interviewer.locator('.tl-shape[data-shape-type="image"] img').getAttribute('src'))!.split('?')[0]
    expect((await request.get(`${app.origin}${src}`)).status()).toBe(401)
    expect((await request.get(`${app.origin}${src}?token=wrong`)).status()).toBe(403)
    const served = await request.get(`${app.origin}${src}?token=${candidateToken}`)
    expect(served.status()).toBe(200)
    expect(served.headers()['content-type']).toBe('image/png')
    expect(served.headers()['x-content-type-options']).toBe('nosniff')
  })

  await test.step('a reviewer sees the board and panels read-only', async () => {
    await drawRectangle(interviewer, 200, 380)
    await interviewer.getByRole('button', { name: '+ Add requirement' }).click()
    await interviewer.getByRole('textbox', { name: 'Functional requirement 1' }).fill('Users upload photos')
    const { context: rc, page: reviewer } = await joinWithLink(browser, created.links.reviewer, 'Rae')
    await expect(reviewer.getByText('Review - read only')).toBeVisible()
    await expect(shapes(reviewer)).toHaveCount(2)
    await expect(reviewer.getByRole('textbox', { name: 'Functional requirement 1' })).toHaveValue('Users upload photos')
    await expect(reviewer.getByRole('textbox', { name: 'Functional requirement 1' })).not.toBeEditable()
    await expect(reviewer.getByRole('button', { name: '+ Add requirement' })).toHaveCount(0)
    await expect(reviewer.getByRole('button', { name: 'Agree' })).toHaveCount(0)
    await expect(reviewer.getByRole('button', { name: 'Start interview' })).toHaveCount(0)
    await expect(reviewer.getByTestId('tools.rectangle')).toHaveCount(0)
    const box = (await reviewer.locator('.tl-canvas').boundingBox())!
    await reviewer.keyboard.press('r')
    await reviewer.mouse.move(box.x + 500, box.y + 400)
    await reviewer.mouse.down()
    await reviewer.mouse.move(box.x + 600, box.y + 480, { steps: 4 })
    await reviewer.mouse.up()
    await reviewer.keyboard.press('Delete')
    await expect(shapes(reviewer)).toHaveCount(2)
    await expect(shapes(interviewer)).toHaveCount(2)
    await reviewer.screenshot({ path: 'test-results/screens/reviewer.png' })
    await rc.close()
  })
  await cc.close()
  await ic.close()
})
