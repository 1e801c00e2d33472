import { describe, expect, it } from 'vitest'
import type { Role } from '../sync/protocol'
import { RequirementDecision, applyStatus, canEditRequirement, canTransition, type RequirementStatus } from './requirements'

const ROLES: Role[] = ['interviewer', 'candidate', 'reviewer']
const FROM: Array<RequirementStatus | null> = [null, 'proposed', 'agreed', 'out-of-scope']
const TO: RequirementStatus[] = ['proposed', 'agreed', 'out-of-scope']

// Every allowed move, written out: anything absent must be refused.
const ALLOWED = new Set([
  'interviewer: new -> proposed',
  'candidate: new -> proposed',
  'interviewer: proposed -> agreed',
  'interviewer: proposed -> out-of-scope',
  'interviewer: agreed -> proposed',
  'interviewer: agreed -> out-of-scope',
  'interviewer: out-of-scope -> proposed',
  'interviewer: out-of-scope -> agreed',
])

const matrix = ROLES.flatMap((role) => FROM.flatMap((from) => TO.map((to) => [`${role}: ${from ?? 'new'} -> ${to}`, role, from, to] as const)))

describe('requirement status transitions', () => {
  it.each(matrix)('%s', (name, role, from, to) => {
    expect(canTransition(role, from, to)).toBe(ALLOWED.has(name))
  })

  it('lets interviewer and candidate edit text, not the reviewer', () => {
    expect(ROLES.filter(canEditRequirement)).toEqual(['interviewer', 'candidate'])
  })

  it('records who agreed and when', () => {
    const result = applyStatus({ status: 'proposed' }, 'agreed', { name: ' Ada ', role: 'interviewer' }, 1_000)
    expect(result).toEqual({ ok: true, decision: { status: 'agreed', decidedBy: 'Ada', decidedAt: 1_000 } })
    expect(result.ok && RequirementDecision.safeParse(result.decision).success).toBe(true)
  })

  it('drops the attribution when reopened', () => {
    const decided = { status: 'out-of-scope' as const, decidedBy: 'Ada', decidedAt: 1_000 }
    expect(applyStatus(decided, 'proposed', { name: 'Ada', role: 'interviewer' }, 2_000)).toEqual({ ok: true, decision: { status: 'proposed' } })
  })

  it.each([
    ['a candidate agreeing', { status: 'proposed' }, 'agreed', { name: 'Bo', role: 'candidate' }, 'Only the interviewer decides on requirements'],
    ['a candidate reopening', { status: 'agreed' }, 'proposed', { name: 'Bo', role: 'candidate' }, 'Only the interviewer decides on requirements'],
    ['a reviewer ruling out', { status: 'proposed' }, 'out-of-scope', { name: 'Cy', role: 'reviewer' }, 'Reviewers cannot change requirements'],
    ['no change', { status: 'agreed' }, 'agreed', { name: 'Ada', role: 'interviewer' }, 'The requirement is already agreed'],
    ['a nameless decision', { status: 'proposed' }, 'agreed', { name: '  ', role: 'interviewer' }, 'A decision needs the name of who made it'],
  ] as const)('refuses %s with a reason', (_name, item, to, actor, reason) => {
    expect(applyStatus(item, to, actor, 1_000)).toEqual({ ok: false, reason })
  })

  it.each([
    ['agreed without a decider', { status: 'agreed', decidedAt: 1 }],
    ['proposed with a decider', { status: 'proposed', decidedBy: 'Ada', decidedAt: 1 }],
    ['an unknown status', { status: 'maybe' }],
  ])('rejects a stored decision %s', (_name, raw) => {
    expect(RequirementDecision.safeParse(raw).success).toBe(false)
  })
})
