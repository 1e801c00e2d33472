import { InterviewKey } from './interview'
import { RoomDocKey } from './layout'

/**
 * Where in the room document a change lands: the top-level type's name and the map keys
 * from it down to the written entry; null stands for a position in a list or a text.
 * `{ root: 'functional', keys: ['a1', 'status'] }` is the status of requirement a1.
 */
export interface DocPlace {
  root: string
  keys: Array<string | null>
}

/** Fields of a requirement that record the interviewer's decision on it. */
export const DECISION_FIELDS: ReadonlySet<string> = new Set(['status', 'decidedBy', 'decidedAt'])

const DECIDED_LISTS: ReadonlySet<string> = new Set([InterviewKey.functional, InterviewKey.nonFunctional])

/**
 * The parts of the room document only the interviewer may change: the room's metadata (title,
 * problem, versions), the session (phase plan and timer) and the decision on each
 * requirement. The candidate writes the rest of the board; the sync server refuses a
 * candidate's update that touches any of these, so the rule holds whatever client is used.
 */
export function isInterviewerOnly(place: DocPlace): boolean {
  if (place.root === RoomDocKey.meta || place.root === InterviewKey.session) return true
  if (DECIDED_LISTS.has(place.root)) {
    const field = place.keys[1]
    return place.keys.length === 2 && typeof field === 'string' && DECISION_FIELDS.has(field)
  }
  return false
}

/**
 * False only when neither `place` nor any place beneath it can be interviewer-only, so a
 * server that tracks where items sit need not remember items there (see DocOutline). For
 * every place p and keys k: isInterviewerOnly(p + k) or mayHoldInterviewerOnly(p + k) implies
 * mayHoldInterviewerOnly(p).
 */
export function mayHoldInterviewerOnly(place: DocPlace): boolean {
  if (place.root === RoomDocKey.meta || place.root === InterviewKey.session) return true
  if (DECIDED_LISTS.has(place.root)) return place.keys.length < 2 || isInterviewerOnly(place)
  return false
}
