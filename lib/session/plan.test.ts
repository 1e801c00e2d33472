import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN, parsePlan, planTotalMinutes } from './plan'

const withPhase = (index: number, change: object) => DEFAULT_PLAN.map((phase, i) => (i === index ? { ...phase, ...change } : phase))

describe('phase plan', () => {
  it('defaults to 8/12/18/5 minutes, 43 in all, in framework order', () => {
    expect(DEFAULT_PLAN.map((p) => [p.id, p.minutes])).toEqual([['scope', 8], ['high-level', 12], ['deep-dive', 18], ['wrap-up', 5]])
    expect(planTotalMinutes(DEFAULT_PLAN)).toBe(43)
    expect(parsePlan(DEFAULT_PLAN)).toEqual({ ok: true, plan: DEFAULT_PLAN })
  })

  it.each([
    ['zero minutes', withPhase(1, { minutes: 0 }), '1.minutes', 'A phase needs at least 1 minute'],
    ['too many minutes', withPhase(2, { minutes: 181 }), '2.minutes', 'A phase can last at most 180 minutes'],
    ['fractional minutes', withPhase(0, { minutes: 7.5 }), '0.minutes', 'Minutes must be a whole number'],
    ['minutes as text', withPhase(3, { minutes: '5' }), '3.minutes', 'Minutes must be a number'],
    ['blank title', withPhase(0, { title: '  ' }), '0.title', 'Give the phase a title'],
    ['phases out of order', [DEFAULT_PLAN[1], DEFAULT_PLAN[0], DEFAULT_PLAN[2], DEFAULT_PLAN[3]], '0.id', "Phase 1 must be 'scope'"],
    ['a phase missing', DEFAULT_PLAN.slice(0, 3), 'plan', 'The plan must have exactly 4 phases'],
    ['not a list', { scope: 8 }, 'plan', 'The plan must be a list of phases'],
  ])('rejects %s with a readable field error', (_name, raw, field, message) => {
    const result = parsePlan(raw)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.fieldErrors[field]).toContain(message)
  })

  it('accepts 1 and 180 minutes and trims titles', () => {
    const result = parsePlan(withPhase(0, { minutes: 1, title: ' Clarify ' }).map((p, i) => (i === 3 ? { ...p, minutes: 180 } : p)))
    expect(result.ok && result.plan.map((p) => p.minutes)).toEqual([1, 12, 18, 180])
    expect(result.ok && result.plan[0]?.title).toBe('Clarify')
  })
})
