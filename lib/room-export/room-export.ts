import * as Y from 'yjs'
import { z } from 'zod'
import { readRecord, writeRoomRecord } from '../tldraw-binding/record-codec'
import { getRoomMeta, getRoomRecords, ROOM_DOC_VERSION, RoomMetaKey } from '../room-doc/layout'
import {
  ApiStyle,
  ChecklistTick,
  estimateText,
  interviewMap,
  LatencyTarget,
  NfrCategory,
  readChecklist,
  readEndpoints,
  readEntities,
  readFunctional,
  readNonFunctional,
  readPlan,
  readTimer,
  RequirementStatus,
} from '../room-doc/interview'
import { CAPACITY_INPUTS } from '../capacity'
import { PhasePlan, TimerState } from '../session'

export const ROOM_EXPORT_FORMAT = 'boxes-and-arrows/room'
export const ROOM_EXPORT_VERSION = 1

const Decision = {
  status: RequirementStatus,
  proposedBy: z.string().max(200),
  decidedBy: z.string().max(200).optional(),
  decidedAt: z.number().optional(),
}
const Text = z.string().max(20_000)

/** The room as a file: canvas records, session and scope. Validated on import. */
export const RoomExport = z.object({
  format: z.literal(ROOM_EXPORT_FORMAT),
  version: z.literal(ROOM_EXPORT_VERSION),
  docVersion: z.number().int(),
  meta: z.object({ title: z.string().max(200), problem: Text, createdAt: z.number() }),
  tldraw: z.object({
    schema: z.object({ schemaVersion: z.number(), sequences: z.record(z.string(), z.number()) }).loose(),
    records: z.array(z.object({ id: z.string().min(1).max(200), typeName: z.string().min(1).max(100) }).loose()).max(50_000),
  }),
  session: z.object({ plan: PhasePlan, timer: TimerState, checklist: z.record(z.string().max(100), ChecklistTick) }),
  scope: z.object({
    functional: z.array(z.object({ text: Text, ...Decision })).max(500),
    nonFunctional: z.array(z.object({ category: NfrCategory, label: Text, text: Text, latency: LatencyTarget.nullable(), ...Decision })).max(500),
    estimates: z.record(z.string().max(100), z.string().max(200)),
    entities: z.array(z.object({ name: Text, fields: Text })).max(500),
    api: z.array(z.object({ style: ApiStyle, method: z.string().max(40), path: Text, request: Text, response: Text })).max(500),
  }),
})
export type RoomExport = z.infer<typeof RoomExport>

const decisionOf = (item: { status: RequirementStatus; proposedBy: string; decidedBy?: string; decidedAt?: number }) => ({
  status: item.status,
  proposedBy: item.proposedBy,
  ...(item.decidedBy !== undefined ? { decidedBy: item.decidedBy } : {}),
  ...(item.decidedAt !== undefined ? { decidedAt: item.decidedAt } : {}),
})

/** Everything shared in a room, as plain JSON. Private notes live elsewhere and are never in it. */
export function exportRoom(doc: Y.Doc): RoomExport {
  const meta = getRoomMeta(doc)
  const records = [...getRoomRecords(doc).values()].flatMap((entry) => {
    const record = readRecord(entry)
    return record ? [record] : []
  })
  records.sort((a, b) => a.id.localeCompare(b.id))
  const estimates: Record<string, string> = {}
  for (const { key } of CAPACITY_INPUTS) estimates[key] = estimateText(doc, key)?.toString() ?? ''
  return {
    format: ROOM_EXPORT_FORMAT,
    version: ROOM_EXPORT_VERSION,
    docVersion: Number(meta.get(RoomMetaKey.docVersion) ?? ROOM_DOC_VERSION),
    meta: {
      title: String(meta.get(RoomMetaKey.title) ?? ''),
      problem: String(meta.get(RoomMetaKey.problem) ?? ''),
      createdAt: Number(meta.get(RoomMetaKey.createdAt) ?? 0),
    },
    tldraw: { schema: meta.get(RoomMetaKey.tldrawSchema) as RoomExport['tldraw']['schema'], records: records as unknown as RoomExport['tldraw']['records'] },
    session: { plan: readPlan(doc), timer: readTimer(doc), checklist: Object.fromEntries(readChecklist(doc)) },
    scope: {
      functional: readFunctional(doc).map((item) => ({ text: item.text.toString(), ...decisionOf(item) })),
      nonFunctional: readNonFunctional(doc).map((item) => ({
        category: item.category,
        label: item.label.toString(),
        text: item.text.toString(),
        latency: item.latency,
        ...decisionOf(item),
      })),
      estimates,
      entities: readEntities(doc).map((entity) => ({ name: entity.name.toString(), fields: entity.fields.toString() })),
      api: readEndpoints(doc).map((endpoint) => ({
        style: endpoint.style,
        method: endpoint.method,
        path: endpoint.path.toString(),
        request: endpoint.request.toString(),
        response: endpoint.response.toString(),
      })),
    },
  }
}

export type ParsedRoomExport = { ok: true; data: RoomExport } | { ok: false; message: string }

/** Checks a file someone chose; a clear message instead of an exception. */
export function parseRoomExport(text: string): ParsedRoomExport {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { ok: false, message: 'This file is not JSON.' }
  }
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format !== ROOM_EXPORT_FORMAT) {
    return { ok: false, message: 'This JSON file is not a Boxes & Arrows room export.' }
  }
  const parsed = RoomExport.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, message: `This room file is damaged: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}` }
  }
  return { ok: true, data: parsed.data }
}

function newId(): string {
  const bytes = new Uint8Array(9)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function setText(item: Y.Map<unknown>, key: string, value: string): void {
  item.set(key, new Y.Text(value))
}

function fillList<T>(doc: Y.Doc, key: 'functional' | 'nonFunctional' | 'entities' | 'api', items: T[], fill: (item: Y.Map<unknown>, value: T) => void) {
  const list = interviewMap(doc, key) as Y.Map<Y.Map<unknown>>
  for (const id of [...list.keys()]) list.delete(id)
  items.forEach((value, index) => {
    const item = new Y.Map<unknown>()
    list.set(newId(), item)
    item.set('order', index + 1)
    fill(item, value)
  })
}

function fillDecision(item: Y.Map<unknown>, value: { status: RequirementStatus; proposedBy: string; decidedBy?: string; decidedAt?: number }) {
  item.set('status', value.status)
  item.set('proposedBy', value.proposedBy)
  if (value.decidedBy !== undefined) item.set('decidedBy', value.decidedBy)
  if (value.decidedAt !== undefined) item.set('decidedAt', value.decidedAt)
}

/**
 * Loads an export into a room document in one transaction: its canvas records (already
 * migrated to this schema by the caller when needed), session and scope replace the room's.
 */
export function importRoom(doc: Y.Doc, data: RoomExport, records: Array<{ id: string; typeName: string }> = data.tldraw.records): void {
  doc.transact(() => {
    const meta = getRoomMeta(doc)
    meta.set(RoomMetaKey.title, data.meta.title)
    meta.set(RoomMetaKey.problem, data.meta.problem)
    const roomRecords = getRoomRecords(doc)
    const keep = new Set(records.map((record) => record.id))
    for (const id of [...roomRecords.keys()]) if (!keep.has(id)) roomRecords.delete(id)
    for (const record of records) writeRoomRecord(roomRecords, record as Parameters<typeof writeRoomRecord>[1])
    const session = interviewMap(doc, 'session')
    session.set('plan', data.session.plan)
    session.set('timer', data.session.timer)
    const checklist = interviewMap(doc, 'checklist')
    for (const id of [...checklist.keys()]) checklist.delete(id)
    for (const [id, tick] of Object.entries(data.session.checklist)) checklist.set(id, tick)
    fillList(doc, 'functional', data.scope.functional, (item, value) => {
      setText(item, 'text', value.text)
      fillDecision(item, value)
    })
    fillList(doc, 'nonFunctional', data.scope.nonFunctional, (item, value) => {
      item.set('category', value.category)
      setText(item, 'label', value.label)
      setText(item, 'text', value.text)
      if (value.latency) item.set('latency', value.latency)
      fillDecision(item, value)
    })
    const estimates = interviewMap(doc, 'estimates')
    for (const { key } of CAPACITY_INPUTS) estimates.set(key, new Y.Text(data.scope.estimates[key] ?? ''))
    fillList(doc, 'entities', data.scope.entities, (item, value) => {
      setText(item, 'name', value.name)
      setText(item, 'fields', value.fields)
    })
    fillList(doc, 'api', data.scope.api, (item, value) => {
      item.set('style', value.style)
      item.set('method', value.method)
      setText(item, 'path', value.path)
      setText(item, 'request', value.request)
      setText(item, 'response', value.response)
    })
  })
}
