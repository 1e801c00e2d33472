import { z } from 'zod'

export const PHASE_IDS = ['scope', 'high-level', 'deep-dive', 'wrap-up'] as const
export const PhaseId = z.enum(PHASE_IDS)
export type PhaseId = z.infer<typeof PhaseId>

export const PhaseBudget = z.object({
  id: PhaseId,
  title: z.string().trim().min(1, 'Give the phase a title').max(60, 'Keep the title under 60 characters'),
  minutes: z
    .number({ error: 'Minutes must be a number' })
    .int('Minutes must be a whole number')
    .min(1, 'A phase needs at least 1 minute')
    .max(180, 'A phase can last at most 180 minutes'),
})
export type PhaseBudget = z.infer<typeof PhaseBudget>

// An array rather than a tuple so the UI can map over it and write the result back.
export const PhasePlan = z
  .array(PhaseBudget, { error: 'The plan must be a list of phases' })
  .length(PHASE_IDS.length, `The plan must have exactly ${PHASE_IDS.length} phases`)
  .superRefine((plan, ctx) => {
    plan.forEach((phase, index) => {
      const expected = PHASE_IDS[index]
      if (phase.id !== expected) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `Phase ${index + 1} must be '${expected}'` })
    })
  })
export type PhasePlan = z.infer<typeof PhasePlan>

// Sums to 43 of a 45-minute slot: the rest is slack for introductions.
export const DEFAULT_PLAN: PhasePlan = [
  { id: 'scope', title: 'Scope', minutes: 8 },
  { id: 'high-level', title: 'High-level design', minutes: 12 },
  { id: 'deep-dive', title: 'Deep dive', minutes: 18 },
  { id: 'wrap-up', title: 'Wrap-up', minutes: 5 },
]

export function planTotalMinutes(plan: PhasePlan): number {
  return plan.reduce((total, phase) => total + phase.minutes, 0)
}

/** The phase at `index`, falling back to the default so a view never lacks a title. */
export function phaseAt(plan: PhasePlan, index: number): PhaseBudget {
  return plan[index] ?? DEFAULT_PLAN[index] ?? DEFAULT_PLAN[0]!
}

export type PlanParseResult =
  | { ok: true; plan: PhasePlan }
  /** Messages by dotted path, e.g. `"1.minutes"`; `"plan"` for the plan as a whole. */
  | { ok: false; fieldErrors: Record<string, string[]> }

export function parsePlan(raw: unknown): PlanParseResult {
  const parsed = PhasePlan.safeParse(raw)
  if (parsed.success) return { ok: true, plan: parsed.data }
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : 'plan'
    ;(fieldErrors[key] ??= []).push(issue.message)
  }
  return { ok: false, fieldErrors }
}
