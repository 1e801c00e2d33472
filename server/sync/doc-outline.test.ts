import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addEntity,
  addFunctional,
  estimateText,
  interviewMap,
  moveItem,
  readEntities,
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
import { isInterviewerOnly, mayHoldInterviewerOnly, type DocPlace } from '../../lib/room-doc/permissions'
import { DEFAULT_PLAN, nextPhase, pauseTimer, resumeTimer, startTimer } from '../../lib/session'
import { seededRandom } from '../../lib/tldraw-binding/testing'
import { ClockRanges, DocOutline } from './doc-outline'
import { SYNC_LIMIT_DEFAULTS } from './limits'
import { inspectUpdate } from './validate-update'
import { findForbiddenWrite } from './write-guard'

const forbidden = (place: DocPlace) => isInterviewerOnly(place)
const refuses = (plan: NonNullable<ReturnType<DocOutline['plan']>>) => [...plan.writes, ...plan.deletes].some(forbidden)

function seededServer(): Y.Doc {
  const server = new Y.Doc()
  seedInterview(server)
  getRoomMeta(server).set(RoomMetaKey.title, 'URL shortener')
  return server
}

/** The update `change` makes on `doc`. */
function changeOf(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(doc)
  change(doc)
  return Y.encodeStateAsUpdate(doc, before)
}

function sameStateVector(outline: DocOutline, doc: Y.Doc): void {
  expect(Y.decodeStateVector(outline.encodeStateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)))
}

describe('ClockRanges', () => {
  it('O1: merges touching and overlapping ranges in any order and answers whether a span is covered', () => {
    const ranges = new ClockRanges()
    ranges.add(1, 10, 12)
    ranges.add(1, 20, 25)
    ranges.add(1, 0, 2)
    ranges.add(1, 12, 14) // touches 10-12
    expect(ranges.covers(1, 10, 14)).toBe(true)
    expect(ranges.covers(1, 10, 15)).toBe(false)
    expect(ranges.covers(1, 14, 15)).toBe(false)
    expect(ranges.covers(2, 0, 1)).toBe(false)
    ranges.add(1, 1, 21) // swallows 0-2, 10-14 and joins 20-25
    expect(ranges.rangeCount).toBe(1)
    expect(ranges.covers(1, 0, 25)).toBe(true)
    expect(ranges.covers(1, 24, 26)).toBe(false)
  })
})

describe('mayHoldInterviewerOnly', () => {
  it('O2: is true wherever an interviewer-only place is, or could be beneath', () => {
    const roots = ['meta', 'session', 'functional', 'nonFunctional', 'entities', 'api', 'tldraw', 'checklist', 'estimates']
    const keys = [null, 'a', 'status', 'decidedBy', 'text', 'timer']
    const places: DocPlace[] = []
    for (const root of roots) {
      places.push({ root, keys: [] })
      for (const a of keys) {
        places.push({ root, keys: [a] })
        for (const b of keys) {
          places.push({ root, keys: [a, b] })
          for (const c of keys) places.push({ root, keys: [a, b, c] })
        }
      }
    }
    for (const place of places) {
      for (let depth = 0; depth <= place.keys.length; depth++) {
        const prefix = { root: place.root, keys: place.keys.slice(0, depth) }
        if (isInterviewerOnly(place) || mayHoldInterviewerOnly(place)) expect(mayHoldInterviewerOnly(prefix), JSON.stringify(place)).toBe(true)
      }
    }
    expect(mayHoldInterviewerOnly({ root: 'tldraw', keys: ['shape:a'] })).toBe(false)
    expect(mayHoldInterviewerOnly({ root: 'functional', keys: ['a', 'text'] })).toBe(false)
  })
})

describe('DocOutline', () => {
  it('O3: vouches for ordinary changes, and never for one the write guard refuses', () => {
    const server = seededServer()
    let outline = DocOutline.of(server, mayHoldInterviewerOnly)
    sameStateVector(outline, server)
    const random = seededRandom(6)
    const interviewer = new Y.Doc()
    const candidates = [new Y.Doc(), new Y.Doc()]
    const clients = [interviewer, ...candidates]
    for (const client of clients) Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    /** Updates on their way to each client, delivered in random order. */
    const inbox = new Map<Y.Doc, Uint8Array[]>(clients.map((client) => [client, []]))
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)]
    let shapes = 0
    const tally = { vouched: 0, needsDoc: 0, refused: 0, probes: 0, refusedProbes: 0 }

    const candidateOps: Array<(doc: Y.Doc) => void> = [
      (doc) => {
        const id = `shape:${shapes++}`
        const record = new Y.Map<unknown>()
        getRoomRecords(doc).set(id, record)
        record.set('base', { id, typeName: 'shape', x: 0, y: 0 })
        for (const prop of ['w', 'h', 'color', 'fill', 'dash', 'size', 'geo']) record.set(`p:${prop}`, random())
      },
      (doc) => {
        const id = pick([...getRoomRecords(doc).keys()])
        if (id) getRoomRecords(doc).get(id)!.set('base', { id, typeName: 'shape', x: random(), y: random() })
      },
      (doc) => {
        const id = pick([...getRoomRecords(doc).keys()])
        if (id) getRoomRecords(doc).get(id)!.set('p:color', pick(['red', 'blue', 'green']))
      },
      (doc) => {
        const id = pick([...getRoomRecords(doc).keys()])
        if (id) getRoomRecords(doc).delete(id)
      },
      (doc) => addFunctional(doc, 'Grace', 'Shorten a URL'),
      (doc) => {
        const row = pick(readFunctional(doc))
        if (row) row.text.insert(Math.floor(random() * (row.text.length + 1)), 'ab')
      },
      (doc) => {
        const row = pick(readFunctional(doc))
        if (row) moveItem(doc, 'functional', row.id, random() < 0.5 ? -1 : 1)
      },
      (doc) => {
        const row = pick(readFunctional(doc))
        if (row) removeItem(doc, 'functional', row.id)
      },
      (doc) => {
        const row = readNonFunctional(doc).find((nfr) => nfr.category === 'latency')
        if (row) setLatencyTarget(doc, row.id, { percentile: 'p99', value: Math.round(random() * 500), unit: 'ms' })
      },
      (doc) => setChecklistItem(doc, 'scope.functional', random() < 0.5, 'Grace'),
      (doc) => estimateText(doc, 'dau')?.insert(0, '1'),
      (doc) => addEntity(doc),
      (doc) => {
        const entity = pick(readEntities(doc))
        if (entity) entity.fields.insert(0, 'id: string\n')
      },
    ]
    const interviewerOps: Array<(doc: Y.Doc) => void> = [
      (doc) => updateTimer(doc, (timer) => pick([startTimer, pauseTimer, resumeTimer, nextPhase])!(timer, Math.round(random() * 1e6))),
      (doc) => interviewMap(doc, 'session').set('timer', { forged: random() }),
      (doc) => writePlan(doc, DEFAULT_PLAN.map((phase) => ({ ...phase, minutes: 1 + Math.floor(random() * 9) }))),
      (doc) => getRoomMeta(doc).set(RoomMetaKey.title, `title ${random()}`),
      (doc) => {
        const row = pick([...readFunctional(doc), ...readNonFunctional(doc)])
        if (!row) return
        const kind = readFunctional(doc).some((r) => r.id === row.id) ? 'functional' : 'nonFunctional'
        setRequirementStatus(doc, kind, row.id, pick(['agreed', 'out-of-scope', 'proposed'] as const)!, { name: 'Ada', role: 'interviewer' }, Math.round(random() * 1e6))
      },
      (doc) => {
        const row = pick(readFunctional(doc))
        const item = row && interviewMap(doc, 'functional').get(row.id)
        if (item instanceof Y.Map) item.set('decidedBy', 'me')
      },
      (doc) => {
        const row = pick(readNonFunctional(doc))
        if (row) removeItem(doc, 'nonFunctional', row.id)
      },
    ]

    /** The server's verdict on an update, as a room decides it: outline first, then the document. */
    const serve = (update: Uint8Array, candidate: boolean): boolean => {
      expect(inspectUpdate(update, (client) => outline.stateOf(client), SYNC_LIMIT_DEFAULTS).missing).toBe(false)
      const plan = outline.plan(update)
      const verdict = candidate ? findForbiddenWrite(server, update, forbidden) : null
      // Soundness: what the document refuses, the outline never vouches for.
      if (verdict) expect(plan === null || refuses(plan)).toBe(true)
      if (verdict) {
        tally.refused += 1
        return false
      }
      let emitted = false
      const listen = () => (emitted = true)
      server.on('update', listen)
      Y.applyUpdate(server, update)
      server.off('update', listen)
      if (plan && !(candidate && refuses(plan))) {
        tally.vouched += 1
        if (!plan.changes) expect(emitted).toBe(false)
        outline.commit(plan)
      } else {
        tally.needsDoc += 1
        outline = DocOutline.of(server, mayHoldInterviewerOnly)
      }
      sameStateVector(outline, server)
      return true
    }

    for (let step = 0; step < 1500; step++) {
      const client = pick(clients)!
      // Deliver some of what is on its way, in random order.
      const waiting = inbox.get(client)!
      while (waiting.length > 0 && random() < 0.7) Y.applyUpdate(client, waiting.splice(Math.floor(random() * waiting.length), 1)[0]!)
      const candidate = client !== interviewer
      if (candidate && random() < 0.1) {
        // A candidate's client that writes what only the interviewer may: judged, never applied.
        const probe = new Y.Doc()
        Y.applyUpdate(probe, Y.encodeStateAsUpdate(client))
        const update = changeOf(probe, pick(interviewerOps)!)
        if (update.byteLength > 2) {
          tally.probes += 1
          const plan = outline.plan(update)
          if (findForbiddenWrite(server, update, forbidden)) {
            tally.refusedProbes += 1
            expect(plan === null || refuses(plan)).toBe(true)
          }
        }
        continue
      }
      const op = candidate || random() < 0.6 ? pick(candidateOps)! : pick(interviewerOps)!
      const update = changeOf(client, op)
      if (!serve(update, candidate)) throw new Error('an ordinary change was refused')
      for (const other of clients) if (other !== client) inbox.get(other)!.push(update)
    }
    for (const client of clients) for (const update of inbox.get(client)!.splice(0)) Y.applyUpdate(client, update)
    for (const client of clients) expect(Y.encodeStateVector(client)).toEqual(Y.encodeStateVector(server))
    expect(tally.refusedProbes).toBeGreaterThan(50)
    // Nearly every ordinary change goes through the outline alone.
    expect(tally.needsDoc / (tally.vouched + tally.needsDoc)).toBeLessThan(0.1)
  })

  it('O4: leaves to the document an update whose parent is not a shared type, or that the room has part of', () => {
    const server = seededServer()
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    const outline = DocOutline.of(server, mayHoldInterviewerOnly)
    const first = changeOf(client, (doc) => getRoomRecords(doc).set('shape:a', new Y.Map()))
    const plan = outline.plan(first)!
    expect(plan.changes).toBe(true)
    outline.commit(plan)
    Y.applyUpdate(server, first)
    // Sent again: nothing new.
    expect(outline.plan(first)!.changes).toBe(false)
    // An update with that and more: the room has part of it.
    const before = Y.encodeStateVector(server)
    client.getMap('scratch').set('x', 1)
    const overlapping = Y.mergeUpdates([first, Y.encodeStateAsUpdate(client, before)])
    expect(outline.plan(Y.diffUpdate(overlapping, before))).not.toBeNull()

    // A crafted item whose parent is the title (a string, not a shared type).
    const titleItem = getRoomMeta(server)._map.get(RoomMetaKey.title)!
    const craftedUpdate = craftChildOf(titleItem.id)
    expect(inspectUpdate(craftedUpdate, (c) => outline.stateOf(c), SYNC_LIMIT_DEFAULTS).missing).toBe(false)
    expect(outline.plan(craftedUpdate)).toBeNull()
  })
})

/** An update from a new client with one map entry whose parent is the item `parent`. */
function craftChildOf(parent: Y.ID): Uint8Array {
  const client = 987654
  const bytes: number[] = []
  const uint = (n: number) => {
    while (n > 0x7f) {
      bytes.push((n & 0x7f) | 0x80)
      n = Math.floor(n / 128)
    }
    bytes.push(n)
  }
  const string = (s: string) => {
    const data = new TextEncoder().encode(s)
    uint(data.length)
    bytes.push(...data)
  }
  uint(1) // one client
  uint(1) // one struct
  uint(client)
  uint(0) // clock
  bytes.push(8 | 0x20) // ContentAny, with parentSub, no origins
  uint(0) // parent given by id
  uint(parent.client)
  uint(parent.clock)
  string('child')
  uint(1) // one value
  bytes.push(125) // integer
  bytes.push(1)
  uint(0) // empty delete set
  return new Uint8Array(bytes)
}
