import * as Y from 'yjs'
import { z } from 'zod'
import type { PhaseId } from '../session'

export const ScoreArea = z.enum(['scoping', 'high-level', 'deep-dive', 'communication'])
export type ScoreArea = z.infer<typeof ScoreArea>

export const SCORE_AREAS: Array<{ area: ScoreArea; label: string }> = [
  { area: 'scoping', label: 'Scoping' },
  { area: 'high-level', label: 'High-level design' },
  { area: 'deep-dive', label: 'Deep dive' },
  { area: 'communication', label: 'Communication' },
]

export const Score = z.number().int().min(1).max(4)
export const SCORE_LABELS = ['', 'Weak', 'Mixed', 'Good', 'Strong'] as const

export const OverallSignal = z.enum(['strong-no', 'no', 'yes', 'strong-yes'])
export type OverallSignal = z.infer<typeof OverallSignal>
export const SIGNAL_LABELS: Record<OverallSignal, string> = { 'strong-no': 'Strong no', no: 'No', yes: 'Yes', 'strong-yes': 'Strong yes' }

/** Y.Map<Y.Text>: notes per phase. Y.Map: `score.<area>` numbers, `why.<area>` Y.Text, `overall`. */
const NOTES = 'notes'
const SCORECARD = 'scorecard'

export function phaseNotes(doc: Y.Doc, phase: PhaseId): Y.Text | null {
  const value = doc.getMap(NOTES).get(phase)
  return value instanceof Y.Text ? value : null
}

export function scoreJustification(doc: Y.Doc, area: ScoreArea): Y.Text | null {
  const value = doc.getMap(SCORECARD).get(`why.${area}`)
  return value instanceof Y.Text ? value : null
}

export function readScore(doc: Y.Doc, area: ScoreArea): number | null {
  const parsed = Score.safeParse(doc.getMap(SCORECARD).get(`score.${area}`))
  return parsed.success ? parsed.data : null
}

export function setScore(doc: Y.Doc, area: ScoreArea, score: number | null): void {
  const card = doc.getMap(SCORECARD)
  if (score === null) card.delete(`score.${area}`)
  else card.set(`score.${area}`, Score.parse(score))
}

export function readOverall(doc: Y.Doc): OverallSignal | null {
  const parsed = OverallSignal.safeParse(doc.getMap(SCORECARD).get('overall'))
  return parsed.success ? parsed.data : null
}

export function setOverall(doc: Y.Doc, signal: OverallSignal | null): void {
  const card = doc.getMap(SCORECARD)
  if (signal === null) card.delete('overall')
  else card.set('overall', signal)
}

/** Seeds the private document (server only, at room creation). */
export function seedPrivateNotes(doc: Y.Doc, phases: readonly PhaseId[]): void {
  doc.transact(() => {
    const notes = doc.getMap(NOTES)
    for (const phase of phases) if (!notes.has(phase)) notes.set(phase, new Y.Text())
    const card = doc.getMap(SCORECARD)
    for (const { area } of SCORE_AREAS) if (!card.has(`why.${area}`)) card.set(`why.${area}`, new Y.Text())
  })
}

/** The notes and scorecard as Markdown, for the interviewer's own report. */
export function privateNotesMarkdown(doc: Y.Doc, phases: Array<{ id: PhaseId; title: string }>): string {
  const lines: string[] = []
  for (const phase of phases) {
    const text = phaseNotes(doc, phase.id)?.toString().trim()
    if (text) lines.push(`**${phase.title}**`, '', text, '')
  }
  lines.push('| Area | Score | Why |', '| --- | --- | --- |')
  for (const { area, label } of SCORE_AREAS) {
    const score = readScore(doc, area)
    const why = scoreJustification(doc, area)?.toString().replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim() || '–'
    lines.push(`| ${label} | ${score ? `${score}/4 ${SCORE_LABELS[score]}` : '–'} | ${why} |`)
  }
  const overall = readOverall(doc)
  lines.push('', `Overall: ${overall ? SIGNAL_LABELS[overall] : 'not decided'}`)
  return lines.join('\n')
}
