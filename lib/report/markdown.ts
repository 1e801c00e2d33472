import { CAPACITY_FIGURES, CAPACITY_INPUTS, estimateFromText } from '../capacity'
import { PHASE_CHECKLISTS } from '../interview/checklists'
import { NFR_CATEGORIES } from '../room-doc/interview'
import type { RoomExport } from '../room-export/room-export'
import { formatClock, phaseActuals, timerView } from '../session'

export interface ReportOptions {
  /** When the report is made (server clock ms): the running phase counts up to it. */
  at: number
  /** Markdown for the diagram: an image reference or a link to the room. */
  diagram: string
  /** Interviewer only: private notes, already rendered as Markdown. */
  privateNotes?: string
}

const STATUS = { proposed: 'Proposed', agreed: 'Agreed', 'out-of-scope': 'Out of scope' } as const

/** Escapes text for a Markdown table cell or inline use. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').trim() || '–'
}

/** "Agreed by Ivy" and when, for the reports; `when` formats the time for its medium. */
export function describeDecision(
  item: { status: keyof typeof STATUS; decidedBy?: string; decidedAt?: number },
  when: (at: number) => string,
): string {
  if (item.status === 'proposed') return STATUS.proposed
  return `${STATUS[item.status]}${item.decidedBy ? ` by ${item.decidedBy}` : ''}${item.decidedAt ? when(item.decidedAt) : ''}`
}

const decided = (item: Parameters<typeof describeDecision>[0]) =>
  describeDecision(item, (at) => ` (${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`)

function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`
}

/** The session report as Markdown: same content for the download and the export API. */
export function renderReportMarkdown(room: RoomExport, options: ReportOptions): string {
  const lines: string[] = []
  const push = (...more: string[]) => lines.push(...more)
  const { plan, timer, checklist } = room.session
  const view = timerView(timer, plan, options.at)

  push(`# ${room.meta.title || 'Untitled interview'}`, '')
  push(`Interview report · ${new Date(room.meta.createdAt).toISOString().slice(0, 10)} · ${view.status === 'finished' ? 'finished' : view.status === 'not-started' ? 'not started' : `in progress (${view.phase.title})`}`, '')
  if (room.meta.problem.trim()) push('## Problem', '', room.meta.problem.trim(), '')

  push('## Time per phase', '', '| Phase | Planned | Actual | Checklist |', '| --- | --- | --- | --- |')
  for (const phase of phaseActuals(timer, plan, options.at)) {
    const items = PHASE_CHECKLISTS[phase.id]
    const covered = items.filter((item) => checklist[item.id]).length
    push(`| ${phase.title} | ${minutes(phase.plannedMs)} | ${formatClock(phase.actualMs)} | ${covered}/${items.length} |`)
  }
  push('')

  push('## Functional requirements', '')
  if (room.scope.functional.length === 0) push('None recorded.', '')
  else {
    push('| # | Requirement | Status | Proposed by |', '| --- | --- | --- | --- |')
    room.scope.functional.forEach((item, index) => push(`| ${index + 1} | ${cell(item.text)} | ${cell(decided(item))} | ${cell(item.proposedBy)} |`))
    push('')
  }

  push('## Non-functional requirements', '', '| Quality | Target | Status |', '| --- | --- | --- |')
  for (const item of room.scope.nonFunctional) {
    const label = item.category === 'custom' ? item.label : (NFR_CATEGORIES.find((c) => c.category === item.category)?.label ?? item.label)
    const latency = item.latency ? `${item.latency.percentile} < ${item.latency.value} ${item.latency.unit}` : ''
    const target = [latency, item.text.trim()].filter(Boolean).join(': ')
    push(`| ${cell(label)} | ${cell(target)} | ${cell(decided(item))} |`)
  }
  push('')

  const estimate = estimateFromText(room.scope.estimates)
  const inputs = CAPACITY_INPUTS.filter(({ key }) => (room.scope.estimates[key] ?? '').trim())
  push('## Capacity estimates', '')
  if (inputs.length === 0) push('No estimates made.', '')
  else {
    push('| Input | Value |', '| --- | --- |')
    for (const input of inputs) push(`| ${input.label} | ${cell(room.scope.estimates[input.key] ?? '')} |`)
    push('', '| Derived | Value |', '| --- | --- |')
    for (const figure of CAPACITY_FIGURES) {
      const value = estimate.figures[figure.key]
      if (value !== undefined) push(`| ${figure.label} | ${figure.format(value)} |`)
    }
    push('')
  }

  push('## Core entities', '')
  if (room.scope.entities.length === 0) push('None recorded.', '')
  else {
    for (const entity of room.scope.entities) push(`- **${cell(entity.name)}**: ${cell(entity.fields)}`)
    push('')
  }

  push('## API', '')
  if (room.scope.api.length === 0) push('None recorded.', '')
  else {
    push('| Style | Method | Path | Request | Response |', '| --- | --- | --- | --- | --- |')
    for (const endpoint of room.scope.api) {
      push(`| ${endpoint.style} | ${endpoint.method} | \`${cell(endpoint.path)}\` | ${cell(endpoint.request)} | ${cell(endpoint.response)} |`)
    }
    push('')
  }

  push('## Diagram', '', options.diagram, '')
  if (options.privateNotes) push('## Interviewer notes (private)', '', options.privateNotes.trim(), '')
  return lines.join('\n')
}
