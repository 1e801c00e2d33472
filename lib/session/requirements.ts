import { z } from 'zod'
import type { Role } from '../sync/protocol'

export const RequirementStatus = z.enum(['proposed', 'agreed', 'out-of-scope'])
export type RequirementStatus = z.infer<typeof RequirementStatus>

/** A decision is always attributed; a proposed item carries none. */
export const RequirementDecision = z.discriminatedUnion('status', [
  z.object({ status: z.literal('proposed') }).strict(),
  z.object({ status: z.enum(['agreed', 'out-of-scope']), decidedBy: z.string().trim().min(1), decidedAt: z.number() }).strict(),
])
export type RequirementDecision = z.infer<typeof RequirementDecision>

export interface RequirementActor {
  name: string
  role: Role
}

/** Interviewer and candidate write requirements; reviewers only read. */
export function canEditRequirement(role: Role): boolean {
  return role !== 'reviewer'
}

/**
 * Whether `role` may move a requirement from `from` (null: creating it) to `to`.
 * Items are created as proposed by anyone who may edit; every decision after that
 * (agree, out of scope, reopen) is the interviewer's, so agreement is never self-granted.
 */
export function canTransition(role: Role, from: RequirementStatus | null, to: RequirementStatus): boolean {
  if (from === null) return to === 'proposed' && canEditRequirement(role)
  return from !== to && role === 'interviewer'
}

export type RequirementDecisionResult = { ok: true; decision: RequirementDecision } | { ok: false; reason: string }

export function applyStatus(
  item: { status: RequirementStatus },
  to: RequirementStatus,
  actor: RequirementActor,
  now: number,
): RequirementDecisionResult {
  if (item.status === to) return { ok: false, reason: `The requirement is already ${to}` }
  if (!canTransition(actor.role, item.status, to)) {
    return { ok: false, reason: actor.role === 'reviewer' ? 'Reviewers cannot change requirements' : 'Only the interviewer decides on requirements' }
  }
  if (to === 'proposed') return { ok: true, decision: { status: 'proposed' } }
  const decidedBy = actor.name.trim()
  if (!decidedBy) return { ok: false, reason: 'A decision needs the name of who made it' }
  if (!Number.isFinite(now)) return { ok: false, reason: 'A decision needs the time it was made' }
  return { ok: true, decision: { status: to, decidedBy, decidedAt: now } }
}
