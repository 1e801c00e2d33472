import { z } from 'zod'
import { PHASE_IDS, PhaseId, phaseAt, type PhaseBudget, type PhasePlan } from './plan'

export const TIMER_EVENT_CAP = 200
const LAST_PHASE = PHASE_IDS.length - 1

export const TimerStatus = z.enum(['not-started', 'running', 'paused', 'finished'])
export type TimerStatus = z.infer<typeof TimerStatus>

export const TimerEventType = z.enum(['start', 'pause', 'resume', 'next', 'previous', 'finish'])
export type TimerEventType = z.infer<typeof TimerEventType>

/** One transition; `phase` is the phase current after it, `at` server milliseconds. */
export const TimerEvent = z.object({ type: TimerEventType, phase: PhaseId, at: z.number() })
export type TimerEvent = z.infer<typeof TimerEvent>

const Ms = z.number().nonnegative()

export const TimerState = z
  .object({
    status: TimerStatus,
    phaseIndex: z.number().int().min(0).max(LAST_PHASE),
    /** Server time the current phase last started counting; set only while running. */
    runningSince: z.number().nullable(),
    /** Time banked per phase, excluding the stretch since `runningSince`. */
    spentMs: z.record(PhaseId, Ms),
    events: z.array(TimerEvent).max(TIMER_EVENT_CAP),
  })
  .refine((s) => (s.status === 'running') === (s.runningSince !== null), {
    message: 'runningSince is set exactly while running',
    path: ['runningSince'],
  })
export type TimerState = z.infer<typeof TimerState>

export function initialTimer(): TimerState {
  return {
    status: 'not-started',
    phaseIndex: 0,
    runningSince: null,
    spentMs: { scope: 0, 'high-level': 0, 'deep-dive': 0, 'wrap-up': 0 },
    events: [],
  }
}

const phaseIdAt = (index: number): PhaseId => PHASE_IDS[index] ?? 'scope'

// Clamped: another client's clock estimate may lag the one that started the phase.
const runningMs = (s: TimerState, now: number) => (s.runningSince === null ? 0 : Math.max(0, now - s.runningSince))

/** Banks the running stretch, then applies the change and logs it. */
function transition(s: TimerState, now: number, type: TimerEventType, status: TimerStatus, phaseIndex: number): TimerState {
  const current = phaseIdAt(s.phaseIndex)
  const spentMs = { ...s.spentMs, [current]: s.spentMs[current] + runningMs(s, now) }
  const event: TimerEvent = { type, phase: phaseIdAt(phaseIndex), at: now }
  return {
    status,
    phaseIndex,
    runningSince: status === 'running' ? now : null,
    spentMs,
    events: [...s.events, event].slice(-TIMER_EVENT_CAP),
  }
}

const active = (s: TimerState) => s.status === 'running' || s.status === 'paused'

export function startTimer(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || s.status !== 'not-started') return s
  return transition(s, now, 'start', 'running', 0)
}

export function pauseTimer(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || s.status !== 'running') return s
  return transition(s, now, 'pause', 'paused', s.phaseIndex)
}

export function resumeTimer(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || s.status !== 'paused') return s
  return transition(s, now, 'resume', 'running', s.phaseIndex)
}

/** Moves on, keeping the running/paused state; on the last phase it finishes. */
export function nextPhase(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || !active(s)) return s
  if (s.phaseIndex >= LAST_PHASE) return finishInterview(s, now)
  return transition(s, now, 'next', s.status, s.phaseIndex + 1)
}

export function previousPhase(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || !active(s) || s.phaseIndex === 0) return s
  return transition(s, now, 'previous', s.status, s.phaseIndex - 1)
}

/** Only from wrap-up: ending earlier is "next" until there. */
export function finishInterview(s: TimerState, now: number): TimerState {
  if (!Number.isFinite(now) || !active(s) || s.phaseIndex !== LAST_PHASE) return s
  return transition(s, now, 'finish', 'finished', s.phaseIndex)
}

export interface PhaseActual {
  id: PhaseId
  title: string
  plannedMs: number
  actualMs: number
}

export function phaseActuals(s: TimerState, plan: PhasePlan, now: number): PhaseActual[] {
  return PHASE_IDS.map((id, index) => {
    const phase = phaseAt(plan, index)
    const live = index === s.phaseIndex ? runningMs(s, now) : 0
    return { id, title: phase.title, plannedMs: phase.minutes * 60_000, actualMs: s.spentMs[id] + live }
  })
}

export interface TimerView {
  status: TimerStatus
  phaseIndex: number
  phase: PhaseBudget
  /** Time spent in the current phase, all visits together. */
  elapsedMs: number
  remainingMs: number
  overtimeMs: number
  /** Share of the current phase's budget used, 0..1. */
  progress: number
  isLastMinute: boolean
  isOvertime: boolean
}

export function timerView(s: TimerState, plan: PhasePlan, now: number): TimerView {
  const phase = phaseAt(plan, s.phaseIndex)
  const plannedMs = phase.minutes * 60_000
  const elapsedMs = s.spentMs[phaseIdAt(s.phaseIndex)] + runningMs(s, now)
  const remainingMs = Math.max(0, plannedMs - elapsedMs)
  const overtimeMs = Math.max(0, elapsedMs - plannedMs)
  return {
    status: s.status,
    phaseIndex: s.phaseIndex,
    phase,
    elapsedMs,
    remainingMs,
    overtimeMs,
    progress: Math.min(1, elapsedMs / plannedMs),
    // A warning only while the interview is on: not before the start, not after the end.
    isLastMinute: active(s) && remainingMs > 0 && remainingMs <= 60_000,
    isOvertime: overtimeMs > 0,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

function clock(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`
}

/** "mm:ss", or "h:mm:ss" from an hour. Rounds up so a countdown shows 00:00 only when time is up. */
export function formatClock(ms: number): string {
  return clock(Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 0)
}

/** "+mm:ss". Rounds down so overtime counts on from where the countdown stopped. */
export function formatOvertime(ms: number): string {
  return `+${clock(Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0)}`
}
