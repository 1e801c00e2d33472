import { expect, test } from '@playwright/test'
import { AppServer } from './app-server'
import { createRoomFromHome, drawRectangle, holdScripts, joinWithLink, pageKnownAs, shapes, waitForBoard } from './helpers'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

test('two people draw one board live; reload, restart and offline lose nothing; no request leaves the origin', async ({ browser }) => {
  const interviewerContext = await browser.newContext()
  const interviewer = await interviewerContext.newPage()
  const foreign: string[] = []
  interviewerContext.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(app.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url)
  })

  await test.step('the home page creates a room and shows the share panel', async () => {
    await interviewer.goto(app.origin)
    await expect(interviewer.getByRole('heading', { name: 'The whiteboard for system-design interviews' })).toBeVisible()
    await interviewer.screenshot({ path: 'test-results/screens/home.png' })
    await createRoomFromHome(interviewer, app.origin)
    await expect(interviewer.getByTestId('room-title')).toHaveText('Design a URL shortener')
    await expect(interviewer.getByRole('dialog', { name: 'Share this room' })).toBeVisible()
    await interviewer.screenshot({ path: 'test-results/screens/share-panel.png' })
  })

  const candidateLink = await interviewer.getByRole('textbox', { name: 'Candidate link' }).inputValue()
  expect(candidateLink).toMatch(new RegExp(`^${app.origin}/r/[A-Za-z0-9_-]{24}#token=`))
  await expect(interviewer.getByRole('textbox', { name: 'Reviewer link' })).toHaveValue(/#token=/)
  await interviewer.keyboard.press('Escape')

  const { context: candidateContext, page: candidate } = await joinWithLink(browser, candidateLink, 'Cora')
  candidateContext.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(app.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url)
  })

  await test.step('each sees the other, with names and role badges', async () => {
    await expect(interviewer.getByTestId('participant').filter({ hasText: 'Cora' })).toContainText('candidate')
    await expect(candidate.getByTestId('participant').filter({ hasText: 'Ivy' })).toContainText('interviewer')
  })

  await test.step('each draws with the mouse and sees the other\'s shapes and cursor', async () => {
    await drawRectangle(interviewer, 200, 150)
    await expect(shapes(interviewer)).toHaveCount(1)
    await expect(shapes(candidate)).toHaveCount(1)
    await drawRectangle(candidate, 450, 300)
    await expect(shapes(interviewer)).toHaveCount(2)
    // tldraw paints remote cursors on a canvas overlay: look for the candidate's cursor in
    // the pixels of an empty area of the interviewer's screen, at the same canvas position.
    const box = await candidate.locator('.tl-canvas').boundingBox()
    const clip = { x: (box?.x ?? 0) + 100, y: (box?.y ?? 0) + 450, width: 120, height: 60 }
    const empty = await interviewer.screenshot({ clip })
    await candidate.mouse.move(clip.x + 20, clip.y + 15, { steps: 5 })
    await expect.poll(async () => (await interviewer.screenshot({ clip })).equals(empty)).toBe(false)
    await interviewer.screenshot({ path: 'test-results/screens/room-two-people.png' })
  })

  await test.step('the interviewer follows the candidate\'s view from the participant list', async () => {
    const before = await shapes(interviewer).first().boundingBox()
    const cora = interviewer.getByTestId('participant').filter({ hasText: 'Cora' })
    await cora.click()
    await expect(cora).toHaveAttribute('aria-pressed', 'true')
    await candidate.mouse.move(640, 400)
    await candidate.mouse.wheel(0, 250)
    await expect.poll(async () => (await shapes(interviewer).first().boundingBox())?.y).not.toBe(before?.y)
    await cora.click()
    await expect(cora).toHaveAttribute('aria-pressed', 'false')
  })

  await test.step('a reload keeps everything', async () => {
    await interviewer.reload()
    await waitForBoard(interviewer)
    await expect(shapes(interviewer)).toHaveCount(2)
  })

  await test.step('a killed and restarted server keeps everything', async () => {
    await app.restart()
    await interviewer.reload()
    await waitForBoard(interviewer)
    await expect(shapes(interviewer)).toHaveCount(2)
    await expect(candidate.getByTestId('connection-status')).toHaveText(/Live/, { timeout: 30_000 })
  })

  await test.step('drawing offline is kept and reaches the other person when the network returns', async () => {
    await candidateContext.setOffline(true)
    await expect(candidate.getByTestId('connection-status')).toHaveText(/Offline/)
    await drawRectangle(candidate, 300, 420, 100, 60)
    await expect(shapes(candidate)).toHaveCount(3)
    await expect(candidate.getByTestId('connection-status')).toHaveText(/Offline - \d+ changes? kept on this device/)
    await candidate.screenshot({ path: 'test-results/screens/offline.png' })
    await expect(shapes(interviewer)).toHaveCount(2)
    await candidateContext.setOffline(false)
    await expect(shapes(interviewer)).toHaveCount(3)
    await expect(candidate.getByTestId('connection-status')).toHaveText('Live · Saved')
  })

  expect(foreign).toEqual([])
  await candidateContext.close()
  await interviewerContext.close()
})

test('a link with a wrong token or an unknown room shows a clear message', async ({ page }) => {
  // A wrong token is told so, whether or not the room exists.
  await page.goto(`${app.origin}/r/${'A'.repeat(24)}#token=nope`)
  await expect(page.getByRole('heading', { name: 'This link does not open this room' })).toBeVisible()
  // A link signed for a room that is gone.
  await page.goto(`${app.origin}/r/${'A'.repeat(24)}#token=${app.signedTokenFor('A'.repeat(24))}`)
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Room not found' })).toBeVisible()
  await page.goto(`${app.origin}/r/${'A'.repeat(24)}`)
  await expect(page.getByRole('heading', { name: 'This link is incomplete' })).toBeVisible()
})

test('a room link is checked once, as soon as the page starts, while the room\'s code still loads', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Early check' } })).json()
  const link: string = created.links.candidate
  const html = await (await request.get(link.replace(/#.*$/, ''))).text()
  const { context, page } = await pageKnownAs(browser, 'Cora')
  // The scripts the page's HTML names load at once; the room's code (loaded after them) waits.
  const scripts = await holdScripts(page, { file: (file) => !html.includes(file) })
  const checks: string[] = []
  page.on('request', (sent) => {
    if (new URL(sent.url()).pathname.endsWith('/access')) checks.push(sent.url())
  })
  const checked = page.waitForRequest((sent) => new URL(sent.url()).pathname.endsWith('/access'), { timeout: 15_000 })
  // Not waiting for the load event, which waits for the held scripts.
  await page.goto(link, { waitUntil: 'commit' })
  await checked
  expect(scripts.held(), 'chunks held back when the link check went out').toBeGreaterThan(0)
  scripts.release()
  await waitForBoard(page)
  // The room's code used the answer to that first request instead of asking again.
  expect(checks).toHaveLength(1)
  await context.close()
})

/** Scripts holding the phase bar, the scope tabs, the export menu or zod (its API or its core). */
const LATER_PANELS = /"\$?ZodError"|Start interview|No entities yet\.|Export the diagram/

test('the board is editable before the phase bar, the scope tabs, the export menu and zod have loaded', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Canvas first' } })).json()
  const { context, page } = await pageKnownAs(browser, 'Ivy')
  // Scripts holding the panels or zod are held back.
  const scripts = await holdScripts(page, { body: LATER_PANELS })
  // Not waiting for the load event, in case it waits for a held script.
  await page.goto(created.links.interviewer, { waitUntil: 'commit' })
  await page.waitForFunction(() => performance.getEntriesByName('boxes:editable').length > 0, undefined, { timeout: 30_000 })
  await waitForBoard(page)
  // Once the editor has mounted, the page asks for them; until they arrive, their places are held.
  await expect.poll(() => scripts.held(), { message: 'scripts held back after the board was editable' }).toBeGreaterThan(0)
  await expect(page.getByRole('button', { name: 'Export' })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Start interview' })).toHaveCount(0)
  scripts.release()
  await expect(page.getByRole('button', { name: 'Start interview' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Export' })).toBeEnabled()
  await expect(page.getByText('No requirements yet.').first()).toBeVisible()
  await context.close()
})

test('if the panels\' code cannot be loaded, the board still works and each panel says so', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Panels lost' } })).json()
  // No offline copy: its worker would fetch the scripts itself, past page.route.
  const { context, page } = await pageKnownAs(browser, 'Ivy', { serviceWorkers: 'block' })
  const refused: string[] = []
  await page.route('**/_next/static/chunks/*.js', async (route) => {
    const response = await route.fetch()
    const body = await response.text()
    if (LATER_PANELS.test(body)) {
      refused.push(route.request().url())
      return route.abort('internetdisconnected')
    }
    await route.fulfill({ response, body })
  })
  await page.goto(created.links.interviewer, { waitUntil: 'commit' })
  await waitForBoard(page)
  await expect(page.getByText('The phase bar did not load.')).toBeVisible()
  await expect(page.getByText('This tab did not load.')).toBeVisible()
  await expect(page.getByText('Export did not load.')).toBeVisible()
  expect(refused.length).toBeGreaterThan(0)
  await page.screenshot({ path: 'test-results/screens/panels-failed.png' })
  // The board itself is untouched.
  await drawRectangle(page, 200, 200)
  await expect(shapes(page)).toHaveCount(1)
  await expect(page.getByTestId('connection-status')).toHaveText('Live · Saved')
  await context.close()
})

test('the offline copy is made only once the board is editable, not while tldraw mounts', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Offline copy' } })).json()
  const context = await browser.newContext()
  await context.addInitScript(() => {
    localStorage.setItem('boxes:name', 'Ivy')
    const register = ServiceWorkerContainer.prototype.register
    ServiceWorkerContainer.prototype.register = function (...args: Parameters<typeof register>) {
      ;(window as unknown as { registeredAt: number }).registeredAt = performance.now()
      return register.apply(this, args)
    }
  })
  const page = await context.newPage()
  await page.goto(created.links.interviewer)
  await waitForBoard(page)
  await expect(page.locator('html')).toHaveAttribute('data-offline-ready', 'true')
  const { editableAt, registeredAt } = await page.evaluate(() => ({
    editableAt: performance.getEntriesByName('boxes:editable')[0]?.startTime ?? NaN,
    registeredAt: (window as unknown as { registeredAt: number }).registeredAt,
  }))
  expect(registeredAt).toBeGreaterThan(editableAt)
  await context.close()
})

test('a page reloaded while offline still holds its edits, which arrive once the network returns', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Offline drill' } })).json()
  const { context: interviewerContext, page: interviewer } = await joinWithLink(browser, created.links.interviewer, 'Ivy')
  const { context: candidateContext, page: candidate } = await joinWithLink(browser, created.links.candidate, 'Cora')
  // The service worker has kept the page and its files.
  await expect(candidate.locator('html')).toHaveAttribute('data-offline-ready', 'true')

  await candidateContext.setOffline(true)
  await expect(candidate.getByTestId('connection-status')).toHaveText(/Offline/)
  await drawRectangle(candidate, 260, 220)
  await expect(candidate.getByTestId('connection-status')).toHaveText(/Offline - \d+ changes? kept on this device/)

  await test.step('reload with no network: the page opens from the kept files and the board from IndexedDB', async () => {
    const response = await candidate.reload()
    expect(response?.fromServiceWorker()).toBe(true)
    await expect(candidate.locator('.tl-canvas')).toBeVisible()
    await expect(shapes(candidate)).toHaveCount(1)
    await expect(candidate.getByTestId('connection-status')).toHaveText(/Offline - \d+ changes? kept on this device/)
    // The panels, whose code loads after the board's, were kept too.
    await expect(candidate.getByText('No requirements yet.').first()).toBeVisible()
    await expect(candidate.getByText('Not started')).toBeVisible()
    await candidate.screenshot({ path: 'test-results/screens/offline-reloaded.png' })
    await expect(shapes(interviewer)).toHaveCount(0)
  })

  await test.step('back online, the edits reach the other person with no action', async () => {
    await candidateContext.setOffline(false)
    await expect(shapes(interviewer)).toHaveCount(1)
    await expect(candidate.getByTestId('connection-status')).toHaveText('Live · Saved')
  })
  await candidateContext.close()
  await interviewerContext.close()
})
