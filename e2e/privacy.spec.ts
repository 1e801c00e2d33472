import { expect, test } from '@playwright/test'
import { AppServer } from './app-server'
import { joinWithLink } from './helpers'

let app: AppServer
test.beforeAll(async () => {
  app = await AppServer.start()
})
test.afterAll(async () => {
  await app?.stop()
})

test('private notes never reach the candidate; a replaced link stops working at once', async ({ browser, request }) => {
  const created = await (await request.post(`${app.origin}/api/rooms`, { data: { title: 'Design a chat service' } })).json()
  const candidateContext = await browser.newContext()
  const candidatePage = await candidateContext.newPage()
  const received: string[] = []
  candidatePage.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => received.push(typeof frame.payload === 'string' ? frame.payload : Buffer.from(frame.payload).toString('latin1')))
  })
  await candidatePage.goto(created.links.candidate)
  await candidatePage.getByLabel('Your name').fill('Cora')
  await candidatePage.getByRole('button', { name: 'Join the room' }).click()
  await expect(candidatePage.getByTestId('connection-status')).toHaveText(/Live/)
  await expect(candidatePage.getByRole('tab', { name: 'Notes' })).toHaveCount(0)

  const { context: interviewerContext, page: interviewer } = await joinWithLink(browser, created.links.interviewer, 'Ivy')
  const secret = 'SECRET-NOTE-7f3a'
  await interviewer.getByRole('tab', { name: 'Notes' }).click()
  const notes = interviewer.getByRole('textbox', { name: 'Notes for Scope' })
  await notes.click()
  await notes.pressSequentially(`${secret} hesitant on scale`)
  await interviewer.getByRole('radiogroup', { name: 'Scoping score' }).getByRole('radio', { name: '3' }).click()
  // Something shared in the same moments, so we know the candidate was receiving frames.
  await interviewer.getByRole('tab', { name: 'Requirements' }).click()
  await interviewer.getByRole('button', { name: '+ Add requirement' }).click()
  await interviewer.getByRole('textbox', { name: 'Functional requirement 1' }).fill('shared-marker-91')
  await expect(candidatePage.getByRole('textbox', { name: 'Functional requirement 1' })).toHaveValue('shared-marker-91')

  await interviewer.reload()
  await interviewer.getByRole('tab', { name: 'Notes' }).click()
  await expect(interviewer.getByRole('textbox', { name: 'Notes for Scope' })).toHaveValue(`${secret} hesitant on scale`)

  expect(received.some((frame) => frame.includes('shared-marker-91'))).toBe(true)
  expect(received.some((frame) => frame.includes(secret) || frame.includes('hesitant'))).toBe(false)

  const candidateToken = created.links.candidate.split('#token=')[1]
  const interviewerToken = created.links.interviewer.split('#token=')[1]
  const direct = await request.get(`${app.origin}/api/rooms/${created.roomId}/export?format=json`, { headers: { Authorization: `Bearer ${interviewerToken}` } })
  expect(await direct.text()).not.toContain(secret)

  await test.step('the interviewer replaces the candidate link; the open candidate is disconnected', async () => {
    interviewer.on('dialog', (dialog) => void dialog.accept())
    await interviewer.getByRole('button', { name: 'Share' }).click()
    const before = await interviewer.getByRole('textbox', { name: 'Candidate link' }).inputValue()
    await interviewer.getByRole('button', { name: /Replace this link/ }).first().click()
    await expect(interviewer.getByRole('textbox', { name: 'Candidate link' })).not.toHaveValue(before)
    await expect(candidatePage.getByRole('heading', { name: 'This link does not open this room' })).toBeVisible()
    const old = await request.get(`${app.origin}/api/rooms/${created.roomId}/access`, { headers: { Authorization: `Bearer ${candidateToken}` } })
    expect(old.status()).toBe(403)
    const fresh = (await interviewer.getByRole('textbox', { name: 'Candidate link' }).inputValue()).split('#token=')[1]
    expect((await request.get(`${app.origin}/api/rooms/${created.roomId}/access`, { headers: { Authorization: `Bearer ${fresh}` } })).status()).toBe(200)
  })
  await candidateContext.close()
  await interviewerContext.close()
})
