'use client'

import { useState } from 'react'
import { useDocValue, useRoom, useTick } from '@/components/room/RoomContext'
import { PHASE_CHECKLISTS } from '@/lib/interview/checklists'
import { readChecklist, readFunctional, readPlan, readTimer, setChecklistItem, updateTimer, writePlan } from '@/lib/room-doc/interview'
import {
  finishInterview,
  formatClock,
  formatOvertime,
  nextPhase,
  pauseTimer,
  phaseActuals,
  previousPhase,
  resumeTimer,
  startTimer,
  timerView,
  type PhasePlan,
} from '@/lib/session'

/**
 * The phase stepper, the shared timer and (for the interviewer) its controls. The time
 * shown is computed from the shared timer state and the estimated server clock, so every
 * participant sees the same remaining time whatever their own clock says.
 */
export function SessionBar() {
  const { doc, clock, role } = useRoom()
  useTick(250)
  const plan = useDocValue(readPlan)
  const timer = useDocValue(readTimer)
  const now = clock.now()
  const view = timerView(timer, plan, now)
  const interviewer = role === 'interviewer'
  const [panel, setPanel] = useState<'checklist' | 'times' | null>(null)
  const ticks = useDocValue(readChecklist)
  const agreed = useDocValue((d) => readFunctional(d).filter((item) => item.status === 'agreed').length)
  const currentItems = PHASE_CHECKLISTS[view.phase.id]
  const covered = currentItems.filter((item) => ticks.has(item.id)).length
  const control = (change: Parameters<typeof updateTimer>[1]) => updateTimer(doc, (s) => change(s))

  const clockText = view.isOvertime ? formatOvertime(view.overtimeMs) : formatClock(view.remainingMs)
  const tone = view.isOvertime ? 'overtime' : view.isLastMinute ? 'last-minute' : view.status
  return (
    <div className="session" data-testid="session-bar">
      <ol className="stepper" aria-label="Interview phases">
        {plan.map((phase, index) => {
          const state = index < view.phaseIndex || view.status === 'finished' ? 'done' : index === view.phaseIndex ? 'current' : 'next'
          return (
            <li key={phase.id} className={`stepper__step stepper__step--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="stepper__number" aria-hidden="true">{state === 'done' ? '✓' : index + 1}</span>
              <span className="stepper__title">{phase.title}</span>
              <span className="stepper__minutes">
                {phase.minutes} min{phase.id === 'scope' && state === 'current' ? ` · ${agreed} agreed` : ''}
              </span>
            </li>
          )
        })}
      </ol>
      <div className={`timer timer--${tone}`} role="timer" aria-live="off" aria-label={`${view.phase.title}: ${view.isOvertime ? `overtime ${clockText}` : `${clockText} left`}`}>
        <div className="timer__row">
          <span className="timer__phase">{view.status === 'not-started' ? 'Not started' : view.status === 'finished' ? 'Finished' : view.status === 'paused' ? 'Paused' : view.phase.title}</span>
          <span className="timer__clock" data-testid="timer-clock">{clockText}</span>
          {view.isOvertime && <span className="timer__badge">Overtime</span>}
        </div>
        <div className="timer__bar" aria-hidden="true"><span style={{ width: `${Math.round(view.progress * 100)}%` }} /></div>
      </div>
      {interviewer && (
        <div className="session__controls" role="group" aria-label="Timer controls">
          <button type="button" className="button button--small" onClick={() => control((s) => previousPhase(s, clock.now()))} disabled={view.status === 'not-started' || view.phaseIndex === 0} aria-label="Previous phase">◀</button>
          {view.status === 'not-started' && <button type="button" className="button button--small button--primary" onClick={() => control((s) => startTimer(s, clock.now()))}>Start interview</button>}
          {view.status === 'running' && <button type="button" className="button button--small" onClick={() => control((s) => pauseTimer(s, clock.now()))}>Pause</button>}
          {view.status === 'paused' && <button type="button" className="button button--small button--primary" onClick={() => control((s) => resumeTimer(s, clock.now()))}>Resume</button>}
          {view.status !== 'not-started' && view.status !== 'finished' && (
            view.phaseIndex < plan.length - 1
              ? <button type="button" className="button button--small" onClick={() => control((s) => nextPhase(s, clock.now()))}>Next phase ▶</button>
              : <button type="button" className="button button--small" onClick={() => control((s) => finishInterview(s, clock.now()))}>Finish</button>
          )}
        </div>
      )}
      <div className="session__tools">
        <button type="button" className="button button--small" aria-expanded={panel === 'checklist'} onClick={() => setPanel(panel === 'checklist' ? null : 'checklist')}>
          Checklist <span className="count count--muted">{covered}/{currentItems.length}</span>
        </button>
        <button type="button" className="button button--small" aria-expanded={panel === 'times'} onClick={() => setPanel(panel === 'times' ? null : 'times')}>Planned vs actual</button>
      </div>
      {panel === 'checklist' && <PhaseChecklist phaseIndex={view.phaseIndex} plan={plan} onClose={() => setPanel(null)} />}
      {panel === 'times' && <PhaseTimes plan={plan} now={now} onClose={() => setPanel(null)} />}
    </div>
  )
}

function PhaseChecklist({ phaseIndex, plan, onClose }: { phaseIndex: number; plan: PhasePlan; onClose(): void }) {
  const { doc, user, role } = useRoom()
  const ticks = useDocValue(readChecklist)
  const [shown, setShown] = useState(phaseIndex)
  const phase = plan[shown] ?? plan[0]
  if (!phase) return null
  const items = PHASE_CHECKLISTS[phase.id]
  return (
    <div className="popover popover--session" role="dialog" aria-label="Phase checklist">
      <div className="popover__head">
        <h2>What a strong answer covers</h2>
        <button type="button" className="icon-button" aria-label="Close checklist" onClick={onClose}>×</button>
      </div>
      <div className="tabs" role="tablist">
        {plan.map((p, index) => (
          <button key={p.id} type="button" role="tab" aria-selected={index === shown} className="tabs__tab" onClick={() => setShown(index)}>
            {p.title}
          </button>
        ))}
      </div>
      <ul className="checklist">
        {items.map((item) => {
          const tick = ticks.get(item.id)
          return (
            <li key={item.id}>
              <label>
                <input type="checkbox" checked={Boolean(tick)} disabled={role === 'reviewer'} onChange={(e) => setChecklistItem(doc, item.id, e.target.checked, user.name)} />
                <span>{item.text}{tick && <span className="checklist__by"> · {tick.by}</span>}</span>
              </label>
            </li>
          )
        })}
      </ul>
      <p className="popover__foot">{items.filter((item) => ticks.has(item.id)).length} of {items.length} covered</p>
    </div>
  )
}

function PhaseTimes({ plan, now, onClose }: { plan: PhasePlan; now: number; onClose(): void }) {
  const { doc, role } = useRoom()
  const timer = useDocValue(readTimer)
  const actuals = phaseActuals(timer, plan, now)
  const editable = role === 'interviewer'
  const setMinutes = (index: number, minutes: number) => {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 180) return
    writePlan(doc, plan.map((phase, i) => (i === index ? { ...phase, minutes } : phase)))
  }
  return (
    <div className="popover popover--session popover--times" role="dialog" aria-label="Planned and actual time">
      <div className="popover__head">
        <h2>Planned vs actual</h2>
        <button type="button" className="icon-button" aria-label="Close times" onClick={onClose}>×</button>
      </div>
      <table className="times">
        <thead><tr><th>Phase</th><th>Planned (min)</th><th>Actual</th></tr></thead>
        <tbody>
          {actuals.map((phase, index) => (
            <tr key={phase.id}>
              <td>{phase.title}</td>
              <td>
                {editable ? (
                  <input type="number" min={1} max={180} aria-label={`${phase.title} minutes`} defaultValue={Math.round(phase.plannedMs / 60_000)} onBlur={(e) => setMinutes(index, Number(e.target.value))} />
                ) : `${Math.round(phase.plannedMs / 60_000)} min`}
              </td>
              <td className={phase.actualMs > phase.plannedMs ? 'times--over' : undefined}>{formatClock(phase.actualMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
