import * as Y from 'yjs'
import { z } from 'zod'
import { CAPACITY_INPUTS } from '../capacity'
import { applyStatus, DEFAULT_PLAN, initialTimer, PhasePlan, RequirementStatus, TimerState, type RequirementActor } from '../session'
import { getRoomMeta, ROOM_DOC_VERSION, RoomMetaKey } from './layout'

/**
 * The interview part of the room document: session (plan, timer, checklist ticks) and the
 * scope panel. Components read and write it only through these functions.
 */
export const InterviewKey = {
  /** Y.Map: `plan` (PhasePlan JSON), `timer` (TimerState JSON). */
  session: 'session',
  /** Y.Map<ChecklistTick>: ticked checklist items by item id. */
  checklist: 'checklist',
  /** Y.Map<Y.Map>: functional requirements by id. */
  functional: 'functional',
  /** Y.Map<Y.Map>: non-functional requirements by id. */
  nonFunctional: 'nonFunctional',
  /** Y.Map<Y.Text>: raw capacity inputs by input key, as typed. */
  estimates: 'estimates',
  /** Y.Map<Y.Map>: core entities by id. */
  entities: 'entities',
  /** Y.Map<Y.Map>: API endpoints by id. */
  api: 'api',
} as const

export { RequirementStatus }

export const NfrCategory = z.enum(['consistency', 'scale', 'latency', 'durability', 'security', 'fault-tolerance', 'custom'])
export type NfrCategory = z.infer<typeof NfrCategory>

export const NFR_CATEGORIES: Array<{ category: Exclude<NfrCategory, 'custom'>; label: string; placeholder: string }> = [
  { category: 'consistency', label: 'Consistency vs availability', placeholder: 'e.g. Available under partition; reads may lag writes by 1 s' },
  { category: 'scale', label: 'Scale and DAU', placeholder: 'e.g. 100 M DAU, 10:1 read:write' },
  { category: 'latency', label: 'Latency', placeholder: 'What the target applies to, e.g. redirects' },
  { category: 'durability', label: 'Durability', placeholder: 'e.g. No acknowledged write is ever lost' },
  { category: 'security', label: 'Security', placeholder: 'e.g. Only the owner can delete a link' },
  { category: 'fault-tolerance', label: 'Fault tolerance', placeholder: 'e.g. Survives the loss of one availability zone' },
]

export const LatencyTarget = z.object({
  percentile: z.enum(['p50', 'p90', 'p95', 'p99', 'p99.9']),
  value: z.number().positive().max(1e6),
  unit: z.enum(['ms', 's']),
})
export type LatencyTarget = z.infer<typeof LatencyTarget>

export const ApiStyle = z.enum(['REST', 'gRPC', 'GraphQL'])
export type ApiStyle = z.infer<typeof ApiStyle>

export const ChecklistTick = z.object({ by: z.string(), at: z.number() })
export type ChecklistTick = z.infer<typeof ChecklistTick>

export interface Decision {
  decidedBy?: string
  decidedAt?: number
}

export interface RequirementView extends Decision {
  id: string
  order: number
  text: Y.Text
  status: RequirementStatus
  proposedBy: string
}

export interface NfrView extends RequirementView {
  category: NfrCategory
  /** For custom rows, their name; for the others, the category label. */
  label: Y.Text
  latency: LatencyTarget | null
}

export interface EntityView {
  id: string
  order: number
  name: Y.Text
  fields: Y.Text
}

export interface EndpointView {
  id: string
  order: number
  style: ApiStyle
  method: string
  path: Y.Text
  request: Y.Text
  response: Y.Text
}

type ListKey = 'functional' | 'nonFunctional' | 'entities' | 'api'

export function interviewMap(doc: Y.Doc, key: keyof typeof InterviewKey): Y.Map<unknown> {
  return doc.getMap(InterviewKey[key])
}

function list(doc: Y.Doc, key: ListKey): Y.Map<Y.Map<unknown>> {
  return doc.getMap(InterviewKey[key])
}

function newId(): string {
  const bytes = new Uint8Array(9)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function text(item: Y.Map<unknown>, key: string): Y.Text {
  const value = item.get(key)
  return value instanceof Y.Text ? value : new Y.Text()
}

function sorted<T extends { id: string; order: number }>(items: T[]): T[] {
  return items.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
}

function nextOrder(doc: Y.Doc, key: ListKey): number {
  let max = 0
  for (const item of list(doc, key).values()) max = Math.max(max, Number(item.get('order')) || 0)
  return max + 1
}

function readDecision(item: Y.Map<unknown>): Decision & { status: RequirementStatus; proposedBy: string } {
  const status = RequirementStatus.safeParse(item.get('status'))
  const decidedBy = item.get('decidedBy')
  const decidedAt = item.get('decidedAt')
  return {
    status: status.success ? status.data : 'proposed',
    proposedBy: String(item.get('proposedBy') ?? ''),
    ...(typeof decidedBy === 'string' ? { decidedBy } : {}),
    ...(typeof decidedAt === 'number' ? { decidedAt } : {}),
  }
}

// Session -----------------------------------------------------------------------------

export function readPlan(doc: Y.Doc): PhasePlan {
  const parsed = PhasePlan.safeParse(interviewMap(doc, 'session').get('plan'))
  return parsed.success ? parsed.data : DEFAULT_PLAN
}

export function writePlan(doc: Y.Doc, plan: PhasePlan): void {
  interviewMap(doc, 'session').set('plan', PhasePlan.parse(plan))
}

export function readTimer(doc: Y.Doc): TimerState {
  const parsed = TimerState.safeParse(interviewMap(doc, 'session').get('timer'))
  return parsed.success ? parsed.data : initialTimer()
}

export function updateTimer(doc: Y.Doc, change: (timer: TimerState) => TimerState): void {
  doc.transact(() => {
    const before = readTimer(doc)
    const after = change(before)
    if (after !== before) interviewMap(doc, 'session').set('timer', after)
  })
}

export function readChecklist(doc: Y.Doc): Map<string, ChecklistTick> {
  const ticks = new Map<string, ChecklistTick>()
  for (const [id, value] of interviewMap(doc, 'checklist').entries()) {
    const parsed = ChecklistTick.safeParse(value)
    if (parsed.success) ticks.set(id, parsed.data)
  }
  return ticks
}

export function setChecklistItem(doc: Y.Doc, itemId: string, ticked: boolean, by: string): void {
  const checklist = interviewMap(doc, 'checklist')
  if (ticked) checklist.set(itemId, { by, at: Date.now() })
  else checklist.delete(itemId)
}

// Requirements ------------------------------------------------------------------------

export function readFunctional(doc: Y.Doc): RequirementView[] {
  return sorted(
    [...list(doc, 'functional').entries()].map(([id, item]) => ({
      id,
      order: Number(item.get('order')) || 0,
      text: text(item, 'text'),
      ...readDecision(item),
    })),
  )
}

export function addFunctional(doc: Y.Doc, proposedBy: string, initial = ''): string {
  const id = newId()
  doc.transact(() => {
    const item = new Y.Map<unknown>()
    list(doc, 'functional').set(id, item)
    item.set('order', nextOrder(doc, 'functional'))
    item.set('text', new Y.Text(initial))
    // No status: a requirement without a decision is proposed, and only the interviewer
    // writes decisions (the server refuses anyone else's).
    item.set('proposedBy', proposedBy)
  })
  return id
}

export function readNonFunctional(doc: Y.Doc): NfrView[] {
  return sorted(
    [...list(doc, 'nonFunctional').entries()].map(([id, item]) => {
      const category = NfrCategory.safeParse(item.get('category'))
      const latency = LatencyTarget.safeParse(item.get('latency'))
      return {
        id,
        order: Number(item.get('order')) || 0,
        text: text(item, 'text'),
        label: text(item, 'label'),
        category: category.success ? category.data : 'custom',
        latency: latency.success ? latency.data : null,
        ...readDecision(item),
      }
    }),
  )
}

export function addNonFunctional(doc: Y.Doc, category: NfrCategory, proposedBy: string, label = ''): string {
  const id = newId()
  doc.transact(() => {
    const item = new Y.Map<unknown>()
    list(doc, 'nonFunctional').set(id, item)
    item.set('order', nextOrder(doc, 'nonFunctional'))
    item.set('category', category)
    item.set('label', new Y.Text(label))
    item.set('text', new Y.Text())
    item.set('proposedBy', proposedBy)
  })
  return id
}

export function setLatencyTarget(doc: Y.Doc, id: string, latency: LatencyTarget | null): void {
  const item = list(doc, 'nonFunctional').get(id)
  if (!item) return
  if (latency) item.set('latency', LatencyTarget.parse(latency))
  else item.delete('latency')
}

/**
 * Records a status change and who made it; agreement is explicit and attributed. Returns
 * why the change was refused, if it was (only the interviewer decides).
 */
export function setRequirementStatus(
  doc: Y.Doc,
  kind: 'functional' | 'nonFunctional',
  id: string,
  status: RequirementStatus,
  actor: RequirementActor,
  now: number,
): string | null {
  const item = list(doc, kind).get(id)
  if (!item) return 'This requirement no longer exists'
  const result = applyStatus(readDecision(item), status, actor, now)
  if (!result.ok) return result.reason
  const decision = result.decision
  doc.transact(() => {
    item.set('status', decision.status)
    if (decision.status === 'proposed') {
      item.delete('decidedBy')
      item.delete('decidedAt')
    } else {
      item.set('decidedBy', decision.decidedBy)
      item.set('decidedAt', decision.decidedAt)
    }
  })
  return null
}

// Entities and API ---------------------------------------------------------------------

export function readEntities(doc: Y.Doc): EntityView[] {
  return sorted(
    [...list(doc, 'entities').entries()].map(([id, item]) => ({
      id,
      order: Number(item.get('order')) || 0,
      name: text(item, 'name'),
      fields: text(item, 'fields'),
    })),
  )
}

export function addEntity(doc: Y.Doc): string {
  const id = newId()
  doc.transact(() => {
    const item = new Y.Map<unknown>()
    list(doc, 'entities').set(id, item)
    item.set('order', nextOrder(doc, 'entities'))
    item.set('name', new Y.Text())
    item.set('fields', new Y.Text())
  })
  return id
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
export const GRAPHQL_OPERATIONS = ['query', 'mutation', 'subscription'] as const
export const GRPC_KINDS = ['unary', 'server stream', 'client stream', 'bidi stream'] as const

export function methodsFor(style: ApiStyle): readonly string[] {
  return style === 'REST' ? HTTP_METHODS : style === 'GraphQL' ? GRAPHQL_OPERATIONS : GRPC_KINDS
}

export function readEndpoints(doc: Y.Doc): EndpointView[] {
  return sorted(
    [...list(doc, 'api').entries()].map(([id, item]) => {
      const style = ApiStyle.safeParse(item.get('style'))
      return {
        id,
        order: Number(item.get('order')) || 0,
        style: style.success ? style.data : 'REST',
        method: String(item.get('method') ?? 'GET'),
        path: text(item, 'path'),
        request: text(item, 'request'),
        response: text(item, 'response'),
      }
    }),
  )
}

export function addEndpoint(doc: Y.Doc, style: ApiStyle = 'REST'): string {
  const id = newId()
  doc.transact(() => {
    const item = new Y.Map<unknown>()
    list(doc, 'api').set(id, item)
    item.set('order', nextOrder(doc, 'api'))
    item.set('style', style)
    item.set('method', methodsFor(style)[0] ?? 'GET')
    item.set('path', new Y.Text())
    item.set('request', new Y.Text())
    item.set('response', new Y.Text())
  })
  return id
}

export function setEndpointStyle(doc: Y.Doc, id: string, style: ApiStyle, method?: string): void {
  const item = list(doc, 'api').get(id)
  if (!item) return
  const allowed = methodsFor(style)
  doc.transact(() => {
    item.set('style', style)
    item.set('method', method && allowed.includes(method) ? method : (allowed[0] ?? 'GET'))
  })
}

// Shared list operations ---------------------------------------------------------------

export function removeItem(doc: Y.Doc, kind: ListKey, id: string): void {
  list(doc, kind).delete(id)
}

/** Moves an item one place up or down by giving it an order between its new neighbours. */
export function moveItem(doc: Y.Doc, kind: ListKey, id: string, direction: -1 | 1): void {
  const items = sorted([...list(doc, kind).entries()].map(([itemId, item]) => ({ id: itemId, order: Number(item.get('order')) || 0 })))
  const index = items.findIndex((item) => item.id === id)
  const target = index + direction
  if (index < 0 || target < 0 || target >= items.length) return
  const beyond = items[target + direction]
  const neighbour = items[target]
  if (!neighbour) return
  const order = beyond ? (neighbour.order + beyond.order) / 2 : neighbour.order + direction
  list(doc, kind).get(id)?.set('order', order)
}

// Estimates ----------------------------------------------------------------------------

export function estimateText(doc: Y.Doc, key: string): Y.Text | null {
  const value = interviewMap(doc, 'estimates').get(key)
  return value instanceof Y.Text ? value : null
}

export function readEstimateInputs(doc: Y.Doc): Record<string, string> {
  const raw: Record<string, string> = {}
  for (const { key } of CAPACITY_INPUTS) raw[key] = estimateText(doc, key)?.toString() ?? ''
  return raw
}

/**
 * Seeds the interview part of a new room (server only): the plan, an idle timer, one
 * non-functional row per category and one shared text per capacity input. Also fills
 * whatever is missing in a room created before this layout existed.
 */
export function seedInterview(doc: Y.Doc, plan: PhasePlan = DEFAULT_PLAN): void {
  doc.transact(() => {
    const meta = getRoomMeta(doc)
    if (meta.get(RoomMetaKey.docVersion) !== ROOM_DOC_VERSION) meta.set(RoomMetaKey.docVersion, ROOM_DOC_VERSION)
    const session = interviewMap(doc, 'session')
    if (!session.has('plan')) session.set('plan', PhasePlan.parse(plan))
    if (!session.has('timer')) session.set('timer', initialTimer())
    const nfr = list(doc, 'nonFunctional')
    if (nfr.size === 0) {
      NFR_CATEGORIES.forEach(({ category, label }, index) => {
        const item = new Y.Map<unknown>()
        nfr.set(`nfr-${category}`, item)
        item.set('order', index + 1)
        item.set('category', category)
        item.set('label', new Y.Text(label))
        item.set('text', new Y.Text())
        item.set('status', 'proposed')
        item.set('proposedBy', '')
      })
    }
    const estimates = interviewMap(doc, 'estimates')
    for (const { key } of CAPACITY_INPUTS) if (!estimates.has(key)) estimates.set(key, new Y.Text())
  })
}
