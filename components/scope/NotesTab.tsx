'use client'

import type * as Y from 'yjs'
import { useDocValue, useRoom, useValueOf } from '@/components/room/RoomContext'
import { readPlan } from '@/lib/room-doc/interview'
import {
  OverallSignal,
  phaseNotes,
  readOverall,
  readScore,
  SCORE_AREAS,
  SCORE_LABELS,
  scoreJustification,
  setOverall,
  setScore,
  SIGNAL_LABELS,
} from '@/lib/room-doc/private-notes'
import { CollabText } from './CollabText'

/** The interviewer's notes per phase and scorecard: in a document only interviewers can open. */
export function NotesTab({ notes }: { notes: Y.Doc }) {
  const plan = useDocValue(readPlan)
  const scores = useValueOf(notes, (d) => SCORE_AREAS.map(({ area }) => readScore(d, area)))
  const overall = useValueOf(notes, readOverall)
  const texts = useValueOf(notes, (d) => ({
    phases: plan.map((phase) => phaseNotes(d, phase.id)),
    why: SCORE_AREAS.map(({ area }) => scoreJustification(d, area)),
  }))
  const { role } = useRoom()
  if (role !== 'interviewer') return null
  return (
    <>
      <p className="private-note">Only interviewers see this tab. It is stored apart from the room and never sent to the candidate or reviewers.</p>
      <section className="scope-section" aria-labelledby="notes-heading">
        <header className="scope-section__head"><h3 id="notes-heading">Notes per phase</h3></header>
        {plan.map((phase, index) => {
          const text = texts.phases[index]
          return (
            <div key={phase.id} className="estimates__input">
              <label className="estimates__label">{phase.title}</label>
              {text ? <CollabText text={text} fieldId={`notes/${phase.id}`} label={`Notes for ${phase.title}`} multiline shareCaret={false} placeholder="What you noticed" /> : <span className="empty">Connecting…</span>}
            </div>
          )
        })}
      </section>
      <section className="scope-section" aria-labelledby="score-heading">
        <header className="scope-section__head"><h3 id="score-heading">Scorecard</h3></header>
        {SCORE_AREAS.map(({ area, label }, index) => {
          const why = texts.why[index]
          return (
            <div key={area} className="scope-item">
              <div className="scope-item__row">
                <span className="scope-item__label">{label}</span>
                <div className="segmented" role="radiogroup" aria-label={`${label} score`}>
                  {[1, 2, 3, 4].map((score) => (
                    <button key={score} type="button" role="radio" aria-checked={scores[index] === score} className="segmented__option" onClick={() => setScore(notes, area, scores[index] === score ? null : score)} title={SCORE_LABELS[score]}>
                      {score}
                    </button>
                  ))}
                </div>
              </div>
              {why && <CollabText text={why} fieldId={`why/${area}`} label={`Why this ${label} score`} placeholder="A short justification" multiline shareCaret={false} />}
            </div>
          )
        })}
        <div className="scope-item">
          <div className="scope-item__row">
            <span className="scope-item__label">Overall</span>
            <div className="segmented" role="radiogroup" aria-label="Overall signal">
              {OverallSignal.options.map((signal) => (
                <button key={signal} type="button" role="radio" aria-checked={overall === signal} className="segmented__option" onClick={() => setOverall(notes, overall === signal ? null : signal)}>
                  {SIGNAL_LABELS[signal]}
                </button>
              ))}
            </div>
          </div>
        </div>
      </section>
    </>
  )
}
