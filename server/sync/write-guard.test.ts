import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addFunctional,
  interviewMap,
  moveItem,
  readFunctional,
  readNonFunctional,
  removeItem,
  seedInterview,
  setChecklistItem,
  setLatencyTarget,
  setRequirementStatus,
  updateTimer,
  writePlan,
} from '../../lib/room-doc/interview'
import { getRoomMeta, getRoomRecords, RoomMetaKey } from '../../lib/room-doc/layout'
import { isInterviewerOnly, type DocPlace } from '../../lib/room-doc/permissions'
import { DEFAULT_PLAN, startTimer } from '../../lib/session'
import { findForbiddenWrite } from './write-guard'

const interviewer = { name: 'Ada', role: 'interviewer' as const }

/** A server's copy of a seeded room and a client's copy synced with it. */
function room() {
  const server = new Y.Doc()
  seedInterview(server)
  getRoomMeta(server).set(RoomMetaKey.title, 'URL shortener')
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  /** What `change` makes the client send, judged against the server's copy. */
  const judge = (change: (doc: Y.Doc) => void): DocPlace | null => {
    const before = Y.encodeStateVector(client)
    change(client)
    const update = Y.encodeStateAsUpdate(client, before)
    const verdict = findForbiddenWrite(server, update, isInterviewerOnly)
    // The server applies what it allows, so the next change builds on it.
    if (!verdict) Y.applyUpdate(server, update)
    return verdict
  }
  return { server, client, judge }
}

describe('write guard (what a candidate may change)', () => {
  it('G1: allows the board and the scope: shapes, requirements and their text, order, latency, checklist, deletions', () => {
    const { client, judge } = room()
    expect(judge((doc) => {
      const record = new Y.Map<unknown>()
      getRoomRecords(doc).set('shape:a', record)
      record.set('base', { id: 'shape:a', typeName: 'shape', x: 1, y: 2 })
    })).toBeNull()
    expect(judge((doc) => getRoomRecords(doc).get('shape:a')!.set('base', { id: 'shape:a', typeName: 'shape', x: 5, y: 2 }))).toBeNull()
    let id = ''
    expect(judge((doc) => { id = addFunctional(doc, 'Grace', 'Shorten a URL') })).toBeNull()
    expect(judge((doc) => addFunctional(doc, 'Grace', 'Redirect'))).toBeNull()
    // Typing in the middle of a text: the new characters are placed through their neighbours.
    expect(judge(() => readFunctional(client).find((r) => r.id === id)!.text.insert(7, ' long'))).toBeNull()
    expect(judge((doc) => moveItem(doc, 'functional', id, 1))).toBeNull()
    const latency = readNonFunctional(client).find((row) => row.category === 'latency')!
    expect(judge((doc) => setLatencyTarget(doc, latency.id, { percentile: 'p99', value: 200, unit: 'ms' }))).toBeNull()
    expect(judge(() => latency.text.insert(0, 'Redirects'))).toBeNull()
    expect(judge((doc) => setChecklistItem(doc, 'scope.functional', true, 'Grace'))).toBeNull()
    expect(judge((doc) => setChecklistItem(doc, 'scope.functional', false, 'Grace'))).toBeNull()
    expect(judge((doc) => removeItem(doc, 'functional', id))).toBeNull()
    expect(judge((doc) => getRoomRecords(doc).delete('shape:a'))).toBeNull()
  })

  it('G2: refuses the timer and the phase plan', () => {
    const { judge } = room()
    expect(judge((doc) => updateTimer(doc, (timer) => startTimer(timer, 1_000)))).toEqual({ root: 'session', keys: ['timer'] })
    const { judge: judge2 } = room()
    expect(judge2((doc) => writePlan(doc, DEFAULT_PLAN.map((phase) => ({ ...phase, minutes: 1 }))))).toEqual({ root: 'session', keys: ['plan'] })
    const { judge: judge3 } = room()
    expect(judge3((doc) => interviewMap(doc, 'session').delete('timer'))).toEqual({ root: 'session', keys: ['timer'] })
  })

  it('G3: refuses a decision on a requirement, whether the status is new or overwritten', () => {
    const { client, judge } = room()
    let id = ''
    expect(judge((doc) => { id = addFunctional(doc, 'Grace', 'Shorten a URL') })).toBeNull()
    // No status yet: the new entry names its parent, the requirement's map.
    expect(judge((doc) => setRequirementStatus(doc, 'functional', id, 'agreed', interviewer, 1))).toEqual({ root: 'functional', keys: [id, 'status'] })

    // A seeded row has a status: the new value is placed through the one it replaces.
    const { client: client2, judge: judge2 } = room()
    const row = readNonFunctional(client2)[0]!
    expect(judge2((doc) => setRequirementStatus(doc, 'nonFunctional', row.id, 'out-of-scope', interviewer, 1))).toEqual({ root: 'nonFunctional', keys: [row.id, 'status'] })
    expect(client).toBeDefined()
  })

  it('G4: refuses a new requirement created already agreed, in one update', () => {
    const { judge } = room()
    const verdict = judge((doc) => {
      doc.transact(() => {
        const item = new Y.Map<unknown>()
        doc.getMap('functional').set('forged', item)
        item.set('text', new Y.Text('Free lunch'))
        item.set('status', 'agreed')
        item.set('decidedBy', 'Ada')
      })
    })
    expect(verdict?.root).toBe('functional')
    expect(verdict?.keys[0]).toBe('forged')
    expect(['status', 'decidedBy']).toContain(verdict?.keys[1])
  })

  it("G5: refuses deleting the interviewer's decision (a delete-only update)", () => {
    const { server, client, judge } = room()
    const row = readNonFunctional(server)[0]!
    setRequirementStatus(server, 'nonFunctional', row.id, 'agreed', interviewer, 1)
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    expect(judge((doc) => doc.getMap<Y.Map<unknown>>('nonFunctional').get(row.id)!.delete('decidedBy'))).toEqual({ root: 'nonFunctional', keys: [row.id, 'decidedBy'] })
    // Deleting the whole requirement is editing the scope, which the candidate may do.
    expect(judge((doc) => removeItem(doc, 'nonFunctional', row.id))).toBeNull()
  })

  it("G6: refuses changes to the room's metadata (title, versions)", () => {
    const { judge } = room()
    expect(judge((doc) => getRoomMeta(doc).set(RoomMetaKey.title, 'Mine now'))).toEqual({ root: 'meta', keys: [RoomMetaKey.title] })
    const { judge: judge2 } = room()
    expect(judge2((doc) => getRoomMeta(doc).set(RoomMetaKey.docVersion, 99))).toEqual({ root: 'meta', keys: [RoomMetaKey.docVersion] })
  })

  it('G7: an update that mixes allowed and refused changes is refused whole', () => {
    const { judge } = room()
    expect(judge((doc) => doc.transact(() => {
      setChecklistItem(doc, 'scope.functional', true, 'Grace')
      updateTimer(doc, (timer) => startTimer(timer, 1_000))
    }))).toEqual({ root: 'session', keys: ['timer'] })
  })

  it('G8: an item whose place cannot be told (its neighbour is nowhere) is refused', () => {
    const { server } = room()
    const elsewhere = new Y.Doc()
    const text = elsewhere.getText('notes')
    text.insert(0, 'abc')
    const before = Y.encodeStateVector(elsewhere)
    text.insert(1, 'x')
    // Only the second insertion: its neighbours are in a change the server never had.
    const update = Y.encodeStateAsUpdate(elsewhere, before)
    expect(findForbiddenWrite(server, update, isInterviewerOnly)).toEqual({ root: '?', keys: [] })
    // With the first change it is placed (a root the rule allows).
    expect(findForbiddenWrite(server, Y.encodeStateAsUpdate(elsewhere), isInterviewerOnly)).toBeNull()
  })

  it('G10: long runs placed by their neighbours (a key set 2,000 times offline, a long word typed) are judged whole', () => {
    const { client, judge } = room()
    expect(judge((doc) => {
      for (let i = 0; i < 2_000; i++) doc.transact(() => doc.getMap('checklist').set('scope.functional', { by: 'Grace', at: i }))
      const id = addFunctional(doc, 'Grace')
      const text = readFunctional(doc).find((r) => r.id === id)!.text
      for (let i = 0; i < 2_000; i++) text.insert(i, 'x')
    })).toBeNull()
    expect(judge((doc) => {
      for (let i = 0; i < 2_000; i++) doc.transact(() => doc.getMap('checklist').set('scope.functional', { by: 'Grace', at: i }))
      getRoomMeta(doc).set(RoomMetaKey.title, 'sneaked in at the end')
    })).toEqual({ root: 'meta', keys: [RoomMetaKey.title] })
    expect(client).toBeDefined()
  })

  it("G11: re-sending changes the room already has is no change, even the interviewer's (a client forwards its offline copy)", () => {
    const { server, client, judge } = room()
    updateTimer(server, (timer) => startTimer(timer, 1_000))
    getRoomMeta(server).set(RoomMetaKey.title, 'Renamed by the interviewer')
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    // The whole document, as y-indexeddb hands it to the provider on load.
    expect(findForbiddenWrite(server, Y.encodeStateAsUpdate(client), isInterviewerOnly)).toBeNull()
    // ...but anything new in it is still judged.
    expect(judge((doc) => getRoomMeta(doc).set(RoomMetaKey.title, 'Mine'))).toEqual({ root: 'meta', keys: [RoomMetaKey.title] })
  })

  it('G9: the rule itself: interviewer-only places', () => {
    expect(isInterviewerOnly({ root: 'session', keys: ['timer'] })).toBe(true)
    expect(isInterviewerOnly({ root: 'meta', keys: ['title'] })).toBe(true)
    expect(isInterviewerOnly({ root: 'functional', keys: ['a', 'status'] })).toBe(true)
    expect(isInterviewerOnly({ root: 'nonFunctional', keys: ['a', 'decidedAt'] })).toBe(true)
    expect(isInterviewerOnly({ root: 'functional', keys: ['a', 'text'] })).toBe(false)
    expect(isInterviewerOnly({ root: 'functional', keys: ['a', 'text', null] })).toBe(false)
    expect(isInterviewerOnly({ root: 'functional', keys: ['a'] })).toBe(false)
    expect(isInterviewerOnly({ root: 'entities', keys: ['a', 'status'] })).toBe(false)
    expect(isInterviewerOnly({ root: 'checklist', keys: ['x'] })).toBe(false)
    expect(isInterviewerOnly({ root: 'tldraw', keys: ['shape:a', 'base'] })).toBe(false)
  })
})
