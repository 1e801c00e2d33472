import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { AppServer } from './app-server'
import { shapes, waitForBoard } from './helpers'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

async function downloadFrom(page: Page, button: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()])
  return readFileSync(await download.path())
}

async function labelShape(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Enter')
  await expect(page.locator('.tl-canvas [contenteditable="true"]')).toBeFocused()
  await page.keyboard.type(label, { delay: 30 })
  await page.keyboard.press('Escape')
}

test('the diagram and the interview leave the product as PNG, SVG, .tldr, JSON, Markdown and PDF', async ({ page, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Design a URL shortener', problem: 'Short links.' } })).json()
  const token = created.links.interviewer.split('#token=')[1]
  await page.goto(created.links.interviewer)
  await page.getByLabel('Your name').fill('Ivy')
  await page.getByRole('button', { name: 'Join the room' }).click()
  await waitForBoard(page)
  await page.getByRole('button', { name: 'Hide scope' }).click()

  const canvas = (await page.locator('.tl-canvas').boundingBox())!
  const box = async (x: number, y: number, label: string) => {
    await page.getByTestId('tools.rectangle').click()
    await page.mouse.move(canvas.x + x, canvas.y + y)
    await page.mouse.down()
    await page.mouse.move(canvas.x + x + 150, canvas.y + y + 90, { steps: 6 })
    await page.mouse.up()
    await labelShape(page, label)
    await page.keyboard.press('Escape')
  }
  await box(150, 150, 'API servers')
  await box(550, 160, 'Link store')
  await page.getByTestId('tools.arrow').click()
  await page.mouse.move(canvas.x + 300, canvas.y + 195)
  await page.mouse.down()
  await page.mouse.move(canvas.x + 450, canvas.y + 200, { steps: 5 })
  await page.mouse.move(canvas.x + 545, canvas.y + 205, { steps: 5 })
  await page.mouse.up()
  await labelShape(page, 'reads')
  await expect(shapes(page)).toHaveCount(3)

  await test.step('an image pasted from the clipboard is uploaded and drawn', async () => {
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 160, height: 48 } })
    await page.mouse.move(canvas.x + 380, canvas.y + 380)
    await page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
      const data = new DataTransfer()
      data.items.add(new File([bytes], 'logo.png', { type: 'image/png' }))
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, png.toString('base64'))
    const image = page.locator('.tl-shape[data-shape-type="image"] img')
    await expect(image).toHaveCount(1)
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
  })
  await expect(shapes(page)).toHaveCount(4)

  await page.getByRole('button', { name: 'Show scope' }).click()
  await page.getByRole('button', { name: '+ Add requirement' }).click()
  await page.getByRole('textbox', { name: 'Functional requirement 1' }).fill('Users shorten a long URL')
  await page.getByTestId('functional-requirement').first().getByRole('button', { name: 'Agree' }).click()
  await page.getByRole('tab', { name: 'Estimates' }).click()
  await page.getByRole('textbox', { name: 'Daily active users' }).fill('100M')
  await page.getByRole('textbox', { name: 'Reads per user per day' }).fill('10')

  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const sizes: Record<number, { width: number; height: number }> = {}
  for (const scale of [1, 2, 4] as const) {
    await page.getByLabel('PNG scale').selectOption(String(scale))
    const png = await downloadFrom(page, 'Download PNG')
    sizes[scale] = pngSize(png)
  }
  expect(sizes[2]!.width).toBeGreaterThan(300)
  expect(Math.abs(sizes[2]!.width - 2 * sizes[1]!.width)).toBeLessThanOrEqual(2)
  expect(Math.abs(sizes[4]!.width - 4 * sizes[1]!.width)).toBeLessThanOrEqual(4)

  const svg = (await downloadFrom(page, 'Download SVG')).toString('utf8')
  expect(svg.startsWith('<svg')).toBe(true)
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
    doc.querySelectorAll('style').forEach((node) => node.remove())
    const labels = doc.documentElement.textContent ?? ''
    return { error: doc.querySelector('parsererror') !== null, labels }
  }, svg)
  expect(parsed.error).toBe(false)
  // Labels wrap across lines (one <tspan> each), so look for every word.
  for (const word of ['API', 'servers', 'Link', 'store', 'reads']) expect(parsed.labels.includes(word), word).toBe(true)
  // The pasted image is in the file itself, not a link that needs the room's token.
  expect(svg).toMatch(/<image[^>]+href="data:image\/png;base64,/)

  await test.step('copy as PNG and as SVG put the diagram on the clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin })
    await page.getByRole('button', { name: 'Copy as PNG' }).click()
    await expect(page.getByText('PNG copied to the clipboard')).toBeVisible()
    const head = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read()
      const blob = await item!.getType('image/png')
      return Array.from(new Uint8Array(await blob.arrayBuffer()).subarray(0, 24))
    })
    expect(pngSize(Buffer.from(head)).width).toBeGreaterThan(300)
    await page.getByRole('button', { name: 'Copy as SVG' }).click()
    await expect(page.getByText('SVG copied to the clipboard')).toBeVisible()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied.startsWith('<svg')).toBe(true)
    expect(copied).toContain('reads')
  })

  const tldr = JSON.parse((await downloadFrom(page, 'tldraw file (.tldr)')).toString('utf8'))
  expect(tldr.tldrawFileFormatVersion).toBeGreaterThan(0)
  expect(tldr.records.filter((r: { typeName: string }) => r.typeName === 'shape')).toHaveLength(4)

  const room = JSON.parse((await downloadFrom(page, 'Room (JSON)')).toString('utf8'))
  expect(room.scope.functional[0]).toMatchObject({ text: 'Users shorten a long URL', status: 'agreed', decidedBy: 'Ivy' })

  const markdown = (await downloadFrom(page, 'Report (Markdown)')).toString('utf8')
  expect(markdown).toContain('| 1 | Users shorten a long URL | Agreed by Ivy')
  expect(markdown).toContain('| Average read QPS | 11.6 K/s |')
  expect(markdown).toContain('![Diagram](data:image/svg+xml;base64,')

  await test.step('the .tldr file reopens into the same shapes', async () => {
    await page.getByRole('radio', { name: 'Replace this page' }).check()
    const file = { name: 'board.tldr', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tldr)) }
    await page.getByLabel('Import a .tldr or room JSON file').setInputFiles(file)
    await expect(page.getByText('Imported 4 shapes from board.tldr')).toBeVisible()
    await expect(shapes(page)).toHaveCount(4)
    const bad = { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"nope":true}') }
    await page.getByLabel('Import a .tldr or room JSON file').setInputFiles(bad)
    await expect(page.getByRole('dialog', { name: 'Export' }).getByRole('alert')).toContainText('not a Boxes & Arrows room export')
    await expect(shapes(page)).toHaveCount(4)
  })

  await test.step('the printable report prints to PDF with the diagram and every section', async () => {
    const report = await page.context().newPage()
    await report.goto(`${app.origin}/r/${created.roomId}/report#token=${token}`)
    await expect(report.getByTestId('report')).toBeVisible()
    for (const heading of ['Diagram', 'Time per phase', 'Functional requirements', 'Non-functional requirements', 'Capacity estimates', 'Core entities', 'API']) {
      await expect(report.getByRole('heading', { name: heading, exact: true })).toBeVisible()
    }
    await expect(report.locator('.report__diagram svg, .report__diagram img').first()).toBeVisible()
    // The uploaded image is drawn in the report too.
    // The pasted image is a picture of the app's blue logo; the rest of the diagram is black
    // on white. Count blue pixels in the report's drawing of the board.
    const bluePixels = async () => {
      const shot = (await report.locator('.report__diagram img').screenshot()).toString('base64')
      return report.evaluate(async (base64) => {
        const img = new Image()
        img.src = `data:image/png;base64,${base64}`
        await img.decode()
        const canvas = document.createElement('canvas')
        canvas.width = img.naturalWidth
        canvas.height = img.naturalHeight
        const context = canvas.getContext('2d')!
        context.drawImage(img, 0, 0)
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
        let blue = 0
        for (let i = 0; i < data.length; i += 4) if (data[i + 2]! > 150 && data[i]! < 120) blue += 1
        return blue
      }, shot)
    }
    await expect.poll(bluePixels).toBeGreaterThan(20)
    await expect(report.getByText('Agreed by Ivy')).toBeVisible()
    await report.emulateMedia({ media: 'print' })
    await report.screenshot({ path: 'test-results/screens/report.png', fullPage: true })
    const pdf = await report.pdf({ format: 'A4', path: 'test-results/screens/report.pdf' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(10_000)
    await report.close()
  })

  await test.step('the export API answers JSON and Markdown, and 401/403/404', async () => {
    const url = `${app.origin}/api/rooms/${created.roomId}/export`
    const json = await request.get(`${url}?format=json`, { headers: { Authorization: `Bearer ${token}` } })
    expect(json.status()).toBe(200)
    expect((await json.json()).scope.functional[0].status).toBe('agreed')
    const md = await request.get(`${url}?format=md`, { headers: { Authorization: `Bearer ${token}` } })
    expect(md.headers()['content-type']).toContain('text/markdown')
    expect(await md.text()).toContain(`/r/${created.roomId}`)
    expect((await request.get(`${url}?format=json`)).status()).toBe(401)
    expect((await request.get(`${url}?format=json`, { headers: { Authorization: 'Bearer nope' } })).status()).toBe(403)
    expect((await request.get(`${app.origin}/api/rooms/${'Z'.repeat(24)}/export`, { headers: { Authorization: 'Bearer nope' } })).status()).toBe(403)
    expect((await request.get(`${app.origin}/api/rooms/${'Z'.repeat(24)}/export`, { headers: { Authorization: `Bearer ${app.signedTokenFor('Z'.repeat(24))}` } })).status()).toBe(404)
    expect((await request.get(`${url}?format=pdf`, { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(400)
  })
})
