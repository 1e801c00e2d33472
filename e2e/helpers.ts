import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'

/** Creates a room from the home page, as an interviewer would; returns the room page. */
export async function createRoomFromHome(page: Page, origin: string, title = 'Design a URL shortener', name = 'Ivy'): Promise<void> {
  await page.goto(origin)
  await page.getByLabel('Interview title').fill(title)
  await page.getByLabel('Problem statement').fill('Short links that redirect; think about scale and expiry.')
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Create interview room' }).click()
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{24}#token=/)
  await waitForBoard(page)
}

export async function waitForBoard(page: Page): Promise<void> {
  await expect(page.locator('.tl-canvas')).toBeVisible()
  await expect(page.getByTestId('connection-status')).toHaveText(/Live/)
}

/** Joins with a link in a fresh browser context, typing a name when asked. */
export async function joinWithLink(browser: Browser, link: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(link)
  await page.getByLabel('Your name').fill(name)
  await page.getByRole('button', { name: 'Join the room' }).click()
  await waitForBoard(page)
  return { context, page }
}

/** A page in a fresh browser context whose device already knows the person's name, so a room opens without asking. */
export async function pageKnownAs(browser: Browser, name: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options)
  await context.addInitScript((known) => localStorage.setItem('boxes:name', known), name)
  return { context, page: await context.newPage() }
}

/**
 * Holds back the page's script chunks whose file name `hold.file` picks (decided as the request
 * is made) or whose body matches `hold.body` (decided once it has been fetched), until
 * `release()`; `held()` counts those waiting.
 */
export async function holdScripts(page: Page, hold: { file: (file: string) => boolean } | { body: RegExp }): Promise<{ held(): number; release(): void }> {
  const waiting: Array<() => void> = []
  let holding = true
  const wait = () => new Promise<void>((resolve) => waiting.push(resolve))
  await page.route('**/_next/static/chunks/*.js', async (route) => {
    if ('file' in hold) {
      const file = new URL(route.request().url()).pathname.split('/').pop() ?? ''
      if (holding && hold.file(file)) await wait()
      return route.continue()
    }
    const response = await route.fetch()
    const body = await response.text()
    if (holding && hold.body.test(body)) await wait()
    await route.fulfill({ response, body })
  })
  return {
    held: () => waiting.length,
    release: () => {
      holding = false
      for (const resume of waiting.splice(0)) resume()
    },
  }
}

/** Draws a rectangle with real mouse input at a point of the canvas. */
export async function drawRectangle(page: Page, x: number, y: number, width = 140, height = 90): Promise<void> {
  const canvas = page.locator('.tl-canvas')
  const box = await canvas.boundingBox()
  if (!box) throw new Error('no canvas')
  await page.getByTestId('tools.rectangle').click()
  await page.mouse.move(box.x + x, box.y + y)
  await page.mouse.down()
  await page.mouse.move(box.x + x + width / 2, box.y + y + height / 2, { steps: 4 })
  await page.mouse.move(box.x + x + width, box.y + y + height, { steps: 4 })
  await page.mouse.up()
  await page.keyboard.press('Escape')
}

export function shapes(page: Page) {
  return page.locator('.tl-shape')
}
