import { expect, test, type Page } from '@playwright/test'
import { AppServer } from './app-server'
import { createRoomFromHome, joinWithLink } from './helpers'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

function seconds(clock: string): number {
  const parts = clock.replace('+', '').split(':').map(Number)
  return parts.reduce((total, part) => total * 60 + part, 0)
}

async function clockSeconds(page: Page): Promise<number> {
  return seconds((await page.getByTestId('timer-clock').textContent()) ?? '')
}

test('an interviewer and a candidate run the session: timer, requirements, shared typing, estimates', async ({ browser }) => {
  const interviewerContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
  const interviewer = await interviewerContext.newPage()
  await createRoomFromHome(interviewer, app.origin, 'Design a URL shortener', 'Ivy')
  const candidateLink = await interviewer.getByRole('textbox', { name: 'Candidate link' }).inputValue()
  await interviewer.keyboard.press('Escape')
  const { context: candidateContext, page: candidate } = await joinWithLink(browser, candidateLink, 'Cora')
  await candidate.setViewportSize({ width: 1280, height: 720 })

  await test.step('the candidate sees the timer but no controls', async () => {
    await expect(candidate.getByTestId('timer-clock')).toHaveText('08:00')
    await expect(candidate.getByRole('button', { name: 'Start interview' })).toHaveCount(0)
    await expect(interviewer.getByRole('button', { name: 'Start interview' })).toBeVisible()
    await candidate.screenshot({ path: 'test-results/screens/session-candidate-1280.png' })
  })

  await test.step('the interviewer starts the timer; both show the same time', async () => {
    await interviewer.getByRole('button', { name: 'Start interview' }).click()
    await expect(candidate.getByTestId('timer-clock')).not.toHaveText('08:00', { timeout: 5_000 })
    const [a, b] = await Promise.all([clockSeconds(interviewer), clockSeconds(candidate)])
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1)
  })

  await test.step('a reloaded candidate still shows the right time', async () => {
    await candidate.reload()
    await expect(candidate.getByTestId('timer-clock')).toBeVisible()
    await expect(candidate.getByRole('button', { name: 'Start interview' })).toHaveCount(0)
    await expect.poll(async () => Math.abs((await clockSeconds(interviewer)) - (await clockSeconds(candidate)))).toBeLessThanOrEqual(1)
  })

  await test.step('the candidate proposes a requirement and the interviewer agrees', async () => {
    await candidate.getByRole('button', { name: '+ Add requirement' }).click()
    const field = candidate.getByRole('textbox', { name: 'Functional requirement 1' })
    await field.click()
    await field.pressSequentially('Users shorten a long URL')
    await expect(interviewer.getByRole('textbox', { name: 'Functional requirement 1' })).toHaveValue('Users shorten a long URL')
    const row = interviewer.getByTestId('functional-requirement').first()
    await row.getByRole('button', { name: 'Agree' }).click()
    await expect(candidate.getByTestId('functional-requirement').first().getByTestId('requirement-status')).toContainText('Agreed by Ivy')
    await expect(interviewer.getByTestId('agreed-count')).toHaveText('1 agreed')
    await expect(candidate.getByTestId('functional-requirement').first().getByRole('button', { name: 'Agree' })).toHaveCount(0)
  })

  await test.step('both type in the same requirement at once and both words survive', async () => {
    const mine = interviewer.getByRole('textbox', { name: 'Functional requirement 1' })
    const theirs = candidate.getByRole('textbox', { name: 'Functional requirement 1' })
    await mine.click()
    await interviewer.keyboard.press('End')
    await theirs.click()
    await candidate.keyboard.press('Home')
    await Promise.all([
      mine.pressSequentially(' quickly', { delay: 40 }),
      theirs.pressSequentially('All ', { delay: 40 }),
    ])
    for (const page of [interviewer, candidate]) {
      const value = page.getByRole('textbox', { name: 'Functional requirement 1' })
      await expect(value).toHaveValue(/All /)
      await expect(value).toHaveValue(/ quickly/)
    }
    const [a, b] = await Promise.all([mine.inputValue(), theirs.inputValue()])
    expect(a).toBe(b)
  })

  await test.step('estimates typed by one are computed on the other screen', async () => {
    await candidate.getByRole('tab', { name: 'Estimates' }).click()
    await interviewer.getByRole('tab', { name: 'Estimates' }).click()
    await candidate.getByRole('textbox', { name: 'Daily active users' }).fill('100M')
    await candidate.getByRole('textbox', { name: 'Reads per user per day' }).fill('10')
    await expect(interviewer.getByTestId('figure-averageReadQps')).toContainText('11.6 K')
    await expect(candidate.getByTestId('figure-averageReadQps')).toContainText('11.6 K')
    await interviewer.screenshot({ path: 'test-results/screens/session-estimates-1920.png' })
  })

  await test.step('the interviewer moves through the phases', async () => {
    await interviewer.getByRole('button', { name: 'Next phase ▶' }).click()
    await expect(candidate.locator('[aria-current="step"]')).toContainText('High-level design')
    await candidate.screenshot({ path: 'test-results/screens/session-phase2-1280.png' })
    await interviewer.getByRole('button', { name: 'Hide scope' }).click()
    await interviewer.screenshot({ path: 'test-results/screens/session-panel-closed-1920.png' })
    await interviewer.getByRole('button', { name: 'Planned vs actual' }).click()
    await expect(interviewer.getByRole('dialog', { name: 'Planned and actual time' })).toContainText('Scope')
    await interviewer.screenshot({ path: 'test-results/screens/session-times-1920.png' })
  })

  await candidateContext.close()
  await interviewerContext.close()
})
