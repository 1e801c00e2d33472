import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from './plan'
import {
  TIMER_EVENT_CAP,
  TimerState,
  finishInterview,
  formatClock,
  formatOvertime,
  initialTimer,
  nextPhase,
  pauseTimer,
  phaseActuals,
  previousPhase,
  resumeTimer,
  startTimer,
  timerView,
} from './timer'

const MIN = 60_000
const T0 = 1_700_000_000_000
const at = (minutes: number) => T0 + minutes * MIN

/** Applies steps given as [operation, minutes since T0]. */
function play(...steps: Array<[(s: TimerState, now: number) => TimerState, number]>): TimerState {
  return steps.reduce((s, [op, minutes]) => op(s, at(minutes)), initialTimer())
}

const actualMinutes = (s: TimerState, now: number) => phaseActuals(s, DEFAULT_PLAN, now).map((p) => p.actualMs / MIN)

describe('timer transitions', () => {
  it('starts in scope, running, with nothing elapsed', () => {
    const s = play([startTimer, 0])
    expect(timerView(s, DEFAULT_PLAN, at(0))).toMatchObject({ status: 'running', phaseIndex: 0, elapsedMs: 0, remainingMs: 8 * MIN })
    expect(timerView(s, DEFAULT_PLAN, at(3)).remainingMs).toBe(5 * MIN)
  })

  it('stops counting while paused and continues on resume', () => {
    const s = play([startTimer, 0], [pauseTimer, 2], [resumeTimer, 10])
    expect(timerView(play([startTimer, 0], [pauseTimer, 2]), DEFAULT_PLAN, at(9)).elapsedMs).toBe(2 * MIN)
    expect(timerView(s, DEFAULT_PLAN, at(11)).elapsedMs).toBe(3 * MIN)
  })

  it('keeps running across phases and keeps paused when moving while paused', () => {
    expect(play([startTimer, 0], [nextPhase, 8]).status).toBe('running')
    const paused = play([startTimer, 0], [pauseTimer, 1], [nextPhase, 5])
    expect(paused).toMatchObject({ status: 'paused', phaseIndex: 1 })
    expect(timerView(paused, DEFAULT_PLAN, at(30)).elapsedMs).toBe(0)
  })

  it('accumulates time per phase across back-and-forth', () => {
    // scope 0-5, high-level 5-9, back to scope 9-12, high-level again 12-20 (paused 14-16).
    const s = play([startTimer, 0], [nextPhase, 5], [previousPhase, 9], [nextPhase, 12], [pauseTimer, 14], [resumeTimer, 16])
    expect(actualMinutes(s, at(20))).toEqual([8, 10, 0, 0])
    expect(timerView(s, DEFAULT_PLAN, at(20))).toMatchObject({ phaseIndex: 1, elapsedMs: 10 * MIN, remainingMs: 2 * MIN })
  })

  it('finishes on next from wrap-up and on finish, freezing the actuals', () => {
    const toWrapUp = play([startTimer, 0], [nextPhase, 8], [nextPhase, 20], [nextPhase, 38])
    for (const end of [nextPhase, finishInterview]) {
      const s = end(toWrapUp, at(44))
      expect(s.status).toBe('finished')
      expect(actualMinutes(s, at(90))).toEqual([8, 12, 18, 6])
      expect(timerView(s, DEFAULT_PLAN, at(90))).toMatchObject({ status: 'finished', phaseIndex: 3, overtimeMs: MIN, isLastMinute: false })
    }
  })

  const running = play([startTimer, 0])
  const paused = play([startTimer, 0], [pauseTimer, 1])
  const inDeepDive = play([startTimer, 0], [nextPhase, 1], [nextPhase, 2])
  const finished = play([startTimer, 0], [nextPhase, 1], [nextPhase, 2], [nextPhase, 3], [finishInterview, 4])
  it.each([
    ['start when running', running, startTimer],
    ['start when finished', finished, startTimer],
    ['pause before start', initialTimer(), pauseTimer],
    ['pause when paused', paused, pauseTimer],
    ['resume when running', running, resumeTimer],
    ['resume before start', initialTimer(), resumeTimer],
    ['next before start', initialTimer(), nextPhase],
    ['next when finished', finished, nextPhase],
    ['previous on the first phase', running, previousPhase],
    ['previous when finished', finished, previousPhase],
    ['finish before wrap-up', inDeepDive, finishInterview],
    ['finish before start', initialTimer(), finishInterview],
    ['any operation with a bad clock reading', running, (s: TimerState) => pauseTimer(s, Number.NaN)],
  ])('ignores %s (same state, unchanged)', (_name, state, op) => {
    const before = structuredClone(state)
    expect(op(state, at(30))).toBe(state)
    expect(state).toEqual(before)
  })

  it('does not mutate the state it was given', () => {
    const s = play([startTimer, 0])
    const before = structuredClone(s)
    nextPhase(s, at(3))
    pauseTimer(s, at(3))
    expect(s).toEqual(before)
  })

  it('logs every transition with its phase and time', () => {
    const s = play([startTimer, 0], [pauseTimer, 1], [resumeTimer, 2], [nextPhase, 3], [previousPhase, 4], [pauseTimer, 4.5], [pauseTimer, 5])
    expect(s.events).toEqual([
      { type: 'start', phase: 'scope', at: at(0) },
      { type: 'pause', phase: 'scope', at: at(1) },
      { type: 'resume', phase: 'scope', at: at(2) },
      { type: 'next', phase: 'high-level', at: at(3) },
      { type: 'previous', phase: 'scope', at: at(4) },
      { type: 'pause', phase: 'scope', at: at(4.5) },
    ])
  })

  it(`keeps only the last ${TIMER_EVENT_CAP} events, and stays valid JSON`, () => {
    let s = play([startTimer, 0])
    for (let i = 1; i <= 300; i++) s = i % 2 ? pauseTimer(s, at(i)) : resumeTimer(s, at(i))
    expect(s.events).toHaveLength(TIMER_EVENT_CAP)
    expect(s.events.at(-1)).toEqual({ type: 'resume', phase: 'scope', at: at(300) })
    expect(s.events[0]?.at).toBe(at(101))
    expect(TimerState.parse(JSON.parse(JSON.stringify(s)))).toEqual(s)
  })

  it('counts a running phase from zero when another clock reads slightly earlier than its start', () => {
    const s = play([startTimer, 0])
    expect(timerView(s, DEFAULT_PLAN, at(0) - 200).elapsedMs).toBe(0)
    expect(pauseTimer(s, at(0) - 200).spentMs.scope).toBe(0)
  })

  it('rejects inconsistent stored timers', () => {
    expect(TimerState.safeParse({ ...initialTimer(), status: 'running' }).success).toBe(false)
    expect(TimerState.safeParse({ ...initialTimer(), phaseIndex: 4 }).success).toBe(false)
    expect(TimerState.safeParse(initialTimer()).success).toBe(true)
  })
})

describe('timer view', () => {
  const s = play([startTimer, 0])
  it.each([
    // minutes into scope (8 min budget) -> remaining, overtime, progress, last minute, overtime flag
    [0, 8 * MIN, 0, 0, false, false],
    [4, 4 * MIN, 0, 0.5, false, false],
    [6.9, 1.1 * MIN, 0, 6.9 / 8, false, false],
    [7, MIN, 0, 7 / 8, true, false],
    [7.99, 0.01 * MIN, 0, 7.99 / 8, true, false],
    [8, 0, 0, 1, false, false],
    [10.5, 0, 2.5 * MIN, 1, false, true],
  ])('at %s min: remaining %s, overtime %s', (minutes, remainingMs, overtimeMs, progress, isLastMinute, isOvertime) => {
    const view = timerView(s, DEFAULT_PLAN, at(minutes))
    expect(view.remainingMs).toBeCloseTo(remainingMs, 6)
    expect(view.overtimeMs).toBeCloseTo(overtimeMs, 6)
    expect(view.progress).toBeCloseTo(progress, 9)
    expect({ isLastMinute: view.isLastMinute, isOvertime: view.isOvertime }).toEqual({ isLastMinute, isOvertime })
  })

  it('shows the last-minute warning while paused but not before the start', () => {
    const oneMinutePlan = DEFAULT_PLAN.map((p, i) => (i === 0 ? { ...p, minutes: 1 } : p))
    expect(timerView(initialTimer(), oneMinutePlan, at(0))).toMatchObject({ status: 'not-started', remainingMs: MIN, isLastMinute: false })
    expect(timerView(play([startTimer, 0], [pauseTimer, 0.5]), oneMinutePlan, at(5)).isLastMinute).toBe(true)
  })

  it('reports planned vs actual per phase, counting the running phase up to now', () => {
    const s2 = play([startTimer, 0], [nextPhase, 9])
    expect(phaseActuals(s2, DEFAULT_PLAN, at(12))).toEqual([
      { id: 'scope', title: 'Scope', plannedMs: 8 * MIN, actualMs: 9 * MIN },
      { id: 'high-level', title: 'High-level design', plannedMs: 12 * MIN, actualMs: 3 * MIN },
      { id: 'deep-dive', title: 'Deep dive', plannedMs: 18 * MIN, actualMs: 0 },
      { id: 'wrap-up', title: 'Wrap-up', plannedMs: 5 * MIN, actualMs: 0 },
    ])
  })
})

describe('clock formatting', () => {
  it.each([
    [0, '00:00'],
    [-5_000, '00:00'],
    [Number.NaN, '00:00'],
    [1, '00:01'],
    [59_001, '01:00'],
    [60_000, '01:00'],
    [8 * MIN, '08:00'],
    [10 * MIN - 1, '10:00'],
    [59 * MIN + 59_000, '59:59'],
    [60 * MIN, '1:00:00'],
    [2 * 3_600_000 + 5 * MIN + 9_000, '2:05:09'],
  ])('formatClock(%s) is %s', (ms, text) => expect(formatClock(ms)).toBe(text))

  it.each([
    [0, '+00:00'],
    [999, '+00:00'],
    [1_000, '+00:01'],
    [2.5 * MIN, '+02:30'],
    [61 * MIN, '+1:01:00'],
    [-1, '+00:00'],
  ])('formatOvertime(%s) is %s', (ms, text) => expect(formatOvertime(ms)).toBe(text))
})
