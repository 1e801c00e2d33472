import {
  createBindingId,
  TLDOCUMENT_ID,
  toRichText,
  type TLArrowBinding,
  type TLArrowShape,
  type TLFrameShape,
  type TLGeoShape,
  type TLGroupShape,
  type TLPage,
  type TLParentId,
  type TLRecord,
  type TLShape,
  type TLShapeId,
} from '@tldraw/tlschema'
import { createTLStore, getIndexAbove, getIndexBetween, HistoryManager, type IndexKey } from 'tldraw'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { seedRoomDoc } from '../room-doc'
import { getRoomRecords } from '../room-doc/layout'
import { bindStoreToDoc } from './binding'
import { readRecord } from './record-codec'
import { createPeer, deliver, documentRecords, geoShape, NETWORK, type Peer, seededPageId, seededRandom } from './testing'

/*
 * Convergence under chaos: 3 to 5 clients, each a tldraw store bound to its own Y.Doc, edit at
 * random while a simulated network reorders, delays, duplicates and loses their updates, and
 * partitions and heals. Undo and redo use tldraw's own HistoryManager on the bare store (what
 * the Editor drives); a reload binds a new store to the same doc. At the end every store holds
 * the same records as every other and as its own doc, and every doc holds the same state.
 */

const STEPS = 300
const colours = ['red', 'blue', 'green', 'black', 'orange', 'violet'] as const

interface Client {
  name: string
  peer: Peer
  history: HistoryManager<TLRecord>
  /** Late joiners start with an empty doc and stay offline until they join. */
  joined: boolean
  /** Clients with the same group reach each other; a partition splits the groups. */
  group: number
  created: number
}

interface Message {
  from: Client
  to: Client
  update: Uint8Array
  /** The step from which the network may deliver it. */
  due: number
}

type Tally = Record<string, number>

/** In a browser tldraw hands store changes to listeners once per frame; here frames run only on demand. */
const frames: FrameRequestCallback[] = []
let clock = Date.now()
function runFrames() {
  for (let round = 0; round < 10 && frames.length > 0; round++) {
    clock += 20
    frames.splice(0).forEach((frame) => frame(clock))
  }
}

function isShape(record: TLRecord): record is TLShape {
  return record.typeName === 'shape'
}

function shapesOf(client: Client): TLShape[] {
  return documentRecords(client.peer.store).filter(isShape)
}

function docRecords(doc: Y.Doc): TLRecord[] {
  return [...getRoomRecords(doc).values()]
    .map((entry) => readRecord(entry))
    .filter((record) => record !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** The HistoryManager's stopping points are internal; the Editor sets one before each user action. */
function markStoppingPoint(history: HistoryManager<TLRecord>, id: string) {
  ;(history as unknown as { _mark(id: string): void })._mark(id)
}

function indexAbove(siblings: TLShape[]): IndexKey {
  const top = siblings.map((s) => s.index).sort().at(-1)
  return getIndexAbove(top)
}

/** The room as the server seeds it, by a doc with a known client id. */
function seededRoom(clientID: number): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  seedRoomDoc(doc, { title: 'URL shortener', problem: 'Design a URL shortener', createdAt: 1 })
  return Y.encodeStateAsUpdate(doc)
}

interface ChaosOptions {
  batchedByFrame: boolean
  /**
   * A late joiner's first remote update is the whole room (its sync step 2), as the app
   * intends. False lets queued edits reach it first, which hits a known binding bug.
   */
  joinWithWholeRoom?: boolean
}

function runChaos(seed: number, { batchedByFrame, joinWithWholeRoom = true }: ChaosOptions): Tally {
  const random = seededRandom(seed)
  const pick = <T,>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)]
  const tally: Tally = {}
  const count = (what: string) => (tally[what] = (tally[what] ?? 0) + 1)

  // Client ids decide Yjs conflicts, so they come from the seed too, spread like real ones.
  const clientId = () => Math.floor(random() * 2 ** 32)
  const seededClientId = clientId()
  const room = seededRoom(seededClientId)
  const size = 3 + Math.floor(random() * 3)
  const clients: Client[] = Array.from({ length: size }, (_, i) => {
    const late = i >= 2 && random() < 0.4
    const peer = createPeer(clientId(), late ? undefined : room)
    return {
      name: `c${i + 1}`,
      peer,
      history: new HistoryManager<TLRecord>({ store: peer.store }),
      joined: !late,
      group: late ? -1 - i : 0,
      created: 0,
    }
  })
  let inFlight: Message[] = []
  let step = 0

  const reachable = (a: Client, b: Client) => a.joined && b.joined && a.group === b.group
  const transmit = () => {
    for (const from of clients) {
      for (const update of from.peer.outbox.splice(0)) {
        for (const to of clients) if (to !== from) inFlight.push({ from, to, update, due: step + Math.floor(random() * 8) })
      }
    }
  }
  const apply = (to: Client, update: Uint8Array) => {
    const sent = to.peer.outbox.length
    Y.applyUpdate(to.peer.doc, update, NETWORK)
    // With listeners called at once no local edit is pending, so any write now is an echo.
    if (!batchedByFrame) expect(to.peer.outbox.slice(sent), `${to.name} wrote to its doc on a remote change`).toEqual([])
  }
  /** What a y-websocket reconnect does: each side sends the other what its state vector lacks. */
  const syncPair = (a: Client, b: Client) => {
    const toA = Y.encodeStateAsUpdate(b.peer.doc, Y.encodeStateVector(a.peer.doc))
    const toB = Y.encodeStateAsUpdate(a.peer.doc, Y.encodeStateVector(b.peer.doc))
    apply(a, toA)
    apply(b, toB)
  }
  const deliverSome = () => {
    const ready = inFlight.filter((m) => m.due <= step && reachable(m.from, m.to))
    const n = Math.min(ready.length, 1 + Math.floor(random() * 8))
    for (let i = 0; i < n; i++) {
      const message = ready.splice(Math.floor(random() * ready.length), 1)[0]!
      inFlight = inFlight.filter((m) => m !== message)
      apply(message.to, message.update)
      count('delivered')
      if (random() < 0.1) {
        inFlight.push({ ...message, due: step + Math.floor(random() * 20) })
        count('duplicated')
      }
    }
  }

  const edit = (client: Client) => {
    const { store } = client.peer
    const shapes = shapesOf(client)
    const containers = shapes.filter((s) => s.type === 'frame' || s.type === 'group')
    const siblingsOf = (parentId: TLParentId) => shapes.filter((s) => s.parentId === parentId)
    const newId = (kind: string) => `${client.name}-${kind}-${client.created++}`
    const shape = pick(shapes)
    const roll = random()
    markStoppingPoint(client.history, `step-${step}`)

    if (!shape || roll < 0.12) {
      const parentId = random() < 0.7 ? seededPageId : (pick(containers)?.id ?? seededPageId)
      const base = { parentId, index: indexAbove(siblingsOf(parentId)), x: Math.round(random() * 800), y: Math.round(random() * 600) }
      if (random() < 0.8) {
        store.put([geoShape(newId('box'), { ...base, props: { color: pick(colours) } as TLGeoShape['props'] })])
        count('create box')
      } else {
        const frame: TLFrameShape = {
          ...geoShape(newId('frame'), base),
          type: 'frame',
          props: { w: 400, h: 300, name: 'Service', color: 'black' },
        }
        store.put([frame])
        count('create frame')
      }
    } else if (roll < 0.3) {
      store.update(shape.id, (s) => ({ ...s, x: s.x + Math.round(random() * 40 - 20), y: s.y + Math.round(random() * 40 - 20) }))
      count('move')
    } else if (roll < 0.38) {
      store.update(shape.id, (s) => {
        if (s.type === 'geo' || s.type === 'frame') {
          const g = s as TLGeoShape | TLFrameShape
          return { ...g, props: { ...g.props, w: Math.max(1, g.props.w + Math.round(random() * 60 - 30)), h: g.props.h + 7 } } as TLShape
        }
        if (s.type === 'arrow') {
          const a = s as TLArrowShape
          return { ...a, props: { ...a.props, end: { x: a.props.end.x + 25, y: a.props.end.y - 5 }, bend: a.props.bend + 3 } }
        }
        return s
      })
      count('resize')
    } else if (roll < 0.46) {
      store.update(shape.id, (s) => ('color' in s.props ? { ...s, props: { ...s.props, color: pick(colours) } } as TLShape : s))
      count('recolour')
    } else if (roll < 0.54) {
      store.update(shape.id, (s) => {
        if (s.type === 'frame') return { ...(s as TLFrameShape), props: { ...(s as TLFrameShape).props, name: `Zone ${step}` } }
        if ('richText' in s.props) return { ...s, props: { ...s.props, richText: toRichText(`${client.name} step ${step}`) } } as TLShape
        return s
      })
      count('relabel')
    } else if (roll < 0.6) {
      // As the Editor deletes: the shape, its descendants and the bindings that touch them.
      const doomed = new Set<string>([shape.id])
      let grown = true
      while (grown) {
        const children = shapes.filter((s) => !doomed.has(s.id) && doomed.has(s.parentId))
        children.forEach((s) => doomed.add(s.id))
        grown = children.length > 0
      }
      const bindings = store.allRecords().filter((r): r is TLArrowBinding => r.typeName === 'binding' && (doomed.has(r.fromId) || doomed.has(r.toId)))
      store.remove([...([...doomed] as TLShapeId[]), ...bindings.map((b) => b.id)])
      count('delete')
    } else if (roll < 0.66) {
      const children = siblingsOf(shape.parentId).filter(() => random() < 0.5).slice(0, 3)
      if (children.length === 0) children.push(shape)
      const group: TLGroupShape = {
        ...geoShape(newId('group'), { parentId: shape.parentId, index: indexAbove(siblingsOf(shape.parentId)) }),
        type: 'group',
        props: {},
      }
      let index: IndexKey | null = null
      const moved = children.map((c) => ({ ...c, parentId: group.id, index: (index = getIndexAbove(index)) }))
      store.put([group, ...moved])
      count('group')
    } else if (roll < 0.72) {
      const target = random() < 0.3 ? undefined : pick(containers.filter((c) => c.id !== shape.id))
      // Never into its own subtree, as far as this client knows (concurrent reparents may still make a cycle).
      const ancestors = new Set<TLParentId>()
      for (let at = target?.id as TLParentId | undefined; at && !ancestors.has(at); at = shapes.find((s) => s.id === at)?.parentId) {
        ancestors.add(at)
      }
      if (!ancestors.has(shape.id)) {
        const parentId = target?.id ?? seededPageId
        store.update(shape.id, (s) => ({ ...s, parentId, index: indexAbove(siblingsOf(parentId)) }))
        count('reparent')
      }
    } else if (roll < 0.78) {
      const indexes = [...new Set(siblingsOf(shape.parentId).map((s) => s.index))].sort()
      const at = Math.floor(random() * indexes.length)
      const [below, above] = [indexes[at - 1] ?? null, indexes[at] ?? null]
      const index = random() < 0.5 || below === null || above === null ? getIndexAbove(indexes.at(-1)) : getIndexBetween(below, above)
      store.update(shape.id, (s) => ({ ...s, index }))
      count('reorder')
    } else if (roll < 0.84) {
      const [from, to] = [pick(shapes), pick(shapes)]
      if (from && to && from.type !== 'arrow' && to.type !== 'arrow') {
        const arrow: TLArrowShape = {
          ...geoShape(newId('arrow'), { x: from.x, y: from.y, index: indexAbove(siblingsOf(seededPageId)) }),
          type: 'arrow',
          props: {
            kind: 'arc',
            elbowMidPoint: 0.5,
            dash: 'draw',
            size: 'm',
            fill: 'none',
            color: 'black',
            labelColor: 'black',
            bend: 0,
            start: { x: 0, y: 0 },
            end: { x: to.x - from.x, y: to.y - from.y },
            arrowheadStart: 'none',
            arrowheadEnd: 'arrow',
            richText: toRichText(''),
            labelPosition: 0.5,
            font: 'draw',
            scale: 1,
          },
        }
        const binding = (terminal: 'start' | 'end', target: TLShapeId): TLArrowBinding => ({
          id: createBindingId(`${arrow.id}-${terminal}`),
          typeName: 'binding',
          type: 'arrow',
          fromId: arrow.id,
          toId: target,
          props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
          meta: {},
        })
        store.put([arrow, binding('start', from.id), binding('end', to.id)])
        count('connect')
      }
    } else if (roll < 0.85) {
      store.update(seededPageId, (page) => ({ ...page, name: `${client.name}'s page ${step}` }))
      count('rename page')
    } else if (roll < 0.87) {
      // A page reload: a new store and history bound to the same doc (as kept by IndexedDB).
      client.peer.binding.dispose()
      client.history.dispose()
      client.peer.store = createTLStore()
      client.peer.binding = bindStoreToDoc(client.peer.store, client.peer.doc)
      client.history = new HistoryManager<TLRecord>({ store: client.peer.store })
      count('reload')
    } else if (roll < 0.93) {
      client.history.undo()
      count('undo')
    } else {
      client.history.redo()
      count('redo')
    }
  }

  for (step = 0; step < STEPS; step++) {
    const roll = random()
    const editors = clients.filter((c) => c.joined)
    if (roll < 0.55) {
      edit(pick(editors)!)
    } else if (roll < 0.85) {
      deliverSome()
    } else if (roll < 0.88) {
      // A partition: some clients reach only each other; messages across it queue.
      for (const c of editors) c.group = random() < 0.5 ? 0 : 1
      count('partition')
    } else if (roll < 0.91) {
      for (const c of editors) c.group = 0
      count('heal')
    } else if (roll < 0.94) {
      // A dropped connection: what was in flight to the client is lost; reconnecting syncs with one peer.
      const client = pick(editors)!
      inFlight = inFlight.filter((m) => m.to !== client)
      const other = pick(editors.filter((c) => c !== client && reachable(c, client)))
      if (other) syncPair(client, other)
      count('reconnect')
    } else if (roll < 0.96) {
      const late = clients.find((c) => !c.joined)
      const other = pick(editors)
      if (late && other) {
        ;[late.joined, late.group] = [true, other.group]
        if (joinWithWholeRoom) syncPair(late, other)
        count('join')
      }
    } else if (batchedByFrame) {
      runFrames()
    }
    transmit()
  }

  // Heal: everyone joins, every queued message arrives in random order (some twice), then one
  // sync round through the first client repairs what was lost.
  const [hub, ...others] = clients as [Client, ...Client[]]
  for (const c of others) {
    if (!c.joined && joinWithWholeRoom) syncPair(c, hub)
    ;[c.joined, c.group] = [true, 0]
  }
  hub.group = 0
  const settle = () => {
    for (runFrames(), transmit(); inFlight.length > 0; runFrames(), transmit()) {
      const [message] = inFlight.splice(Math.floor(random() * inFlight.length), 1)
      apply(message!.to, message!.update)
      if (random() < 0.05) apply(message!.to, message!.update)
    }
  }
  settle()
  for (const c of others) syncPair(c, hub)
  for (const c of others) syncPair(c, hub)
  settle()

  const expected = documentRecords(hub.peer.store)
  for (const c of clients) {
    expect(documentRecords(c.peer.store), `${c.name}'s store equals ${hub.name}'s`).toEqual(expected)
    expect(docRecords(c.peer.doc), `${c.name}'s doc holds what its store holds`).toEqual(documentRecords(c.peer.store))
    expect(Y.encodeStateVector(c.peer.doc)).toEqual(Y.encodeStateVector(hub.peer.doc))
    expect(Y.equalSnapshots(Y.snapshot(c.peer.doc), Y.snapshot(hub.peer.doc)), `${c.name}'s doc state equals ${hub.name}'s`).toBe(true)
    expect(getRoomRecords(c.peer.doc).toJSON()).toEqual(getRoomRecords(hub.peer.doc).toJSON())
  }
  // No client replaced the seeded document or page record with one of its own (tldraw's defaults).
  for (const id of [TLDOCUMENT_ID, seededPageId]) {
    expect(getRoomRecords(hub.peer.doc).get(id)?._item?.id.client, `${id} is the seeded record`).toBe(seededClientId)
  }
  expect(expected.filter(isShape).length, 'the run ends with shapes to compare').toBeGreaterThan(0)
  for (const c of clients) c.peer.binding.dispose()
  for (const c of clients) c.history.dispose()
  return tally
}

// CHAOS_SEEDS=500 hunts longer; the suite runs 30 per mode to stay well under a minute.
const SEEDS = Array.from({ length: Number(process.env.CHAOS_SEEDS ?? 30) }, (_, i) => i + 1)

function summarise(tallies: Tally[]): string {
  const total: Tally = {}
  for (const tally of tallies) for (const [what, n] of Object.entries(tally)) total[what] = (total[what] ?? 0) + n
  return Object.entries(total)
    .map(([what, n]) => `${what} ${n}`)
    .join(', ')
}

/*
 * Regressions for a bug these runs found (fixed in the binding: it loads only a doc with a
 * readable document and page, and writes nothing before): tldraw's Store.mergeRemoteChanges ends with ensureStoreIsUsable(), as
 * a user change. When a store has no page or document record right after a remote merge (its
 * doc holds only part of the room, or the page's newest `base` is still waiting for an earlier
 * update), tldraw creates its defaults and the binding writes them into the room, where they
 * can replace the real records: a renamed page goes back to "Page 1" for everyone.
 */

// Seeds 1..30 of each mode ran clean when written; keep any seed that ever fails as its own named case.
describe('convergence under chaos, store listeners called at once', () => {
  const tallies: Tally[] = []
  afterAll(() => console.info(`chaos (at once): ${summarise(tallies)}`))
  it.each(SEEDS)('seed %i', (seed) => {
    tallies.push(runChaos(seed, { batchedByFrame: false }))
  })
  it('seed 87: a client that loads the room while the page record waits for an earlier update writes a default page', () => {
    runChaos(87, { batchedByFrame: false })
  })
  it.each([4, 63])('seed %i, queued edits before the whole room: a late joiner writes default document and page records', (seed) => {
    runChaos(seed, { batchedByFrame: false, joinWithWholeRoom: false })
  })
})

describe('convergence under chaos, store listeners called once per frame', () => {
  const tallies: Tally[] = []
  beforeAll(() => {
    vi.stubGlobal('__FORCE_RAF_IN_TESTS__', true)
    vi.stubGlobal('requestAnimationFrame', (frame: FrameRequestCallback) => frames.push(frame))
    vi.stubGlobal('cancelAnimationFrame', () => undefined)
    vi.spyOn(Date, 'now').mockImplementation(() => clock)
  })
  afterAll(() => {
    runFrames()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    console.info(`chaos (per frame): ${summarise(tallies)}`)
  })
  it.each(SEEDS)('seed %i', (seed) => {
    tallies.push(runChaos(seed, { batchedByFrame: true }))
  })
  it('seed 34, queued edits before the whole room: a late joiner replaces the seeded document record', () => {
    runChaos(34, { batchedByFrame: true, joinWithWholeRoom: false })
  })
})

describe('the known bug, reduced', () => {
  const pageName = (peer: Peer) => (peer.store.get(seededPageId) as TLPage).name
  const rename = (peer: Peer, name: string) => peer.store.update(seededPageId, (page) => ({ ...(page as TLPage), name }))
  const peers: Peer[] = []
  afterAll(() => peers.forEach((peer) => peer.binding.dispose()))
  const peer = (clientID: number, initial?: Uint8Array) => {
    const created = createPeer(clientID, initial)
    peers.push(created)
    return created
  }

  it('keeps a renamed page when a joining client first receives someone else\'s first shape', () => {
    const interviewer = peer(2, seededRoom(1))
    rename(interviewer, 'Architecture')
    const room = Y.encodeStateAsUpdate(interviewer.doc)
    const candidate = peer(4, room)
    candidate.store.put([geoShape('box')])
    const reviewer = peer(3)
    // The server broadcasts the candidate's shape before it answers the reviewer's sync step 1.
    deliver(candidate, reviewer)
    Y.applyUpdate(reviewer.doc, room, NETWORK)
    deliver(reviewer, interviewer)
    expect(pageName(interviewer)).toBe('Architecture')
  })

  it('keeps a renamed page when a client loads the room while the rename waits for an earlier update', () => {
    const room = seededRoom(1)
    const interviewer = peer(2, room)
    const server = new Y.Doc()
    Y.applyUpdate(server, room)
    interviewer.store.put([geoShape('box')])
    const lostInACrash = interviewer.outbox.splice(0)
    rename(interviewer, 'Architecture')
    interviewer.outbox.splice(0).forEach((update) => Y.applyUpdate(server, update))
    // The server now holds the rename's deletion of the old name, but not yet its new one.
    const reviewer = peer(3)
    Y.applyUpdate(reviewer.doc, Y.encodeStateAsUpdate(server), NETWORK)
    reviewer.outbox.splice(0).forEach((update) => Y.applyUpdate(server, update))
    lostInACrash.forEach((update) => Y.applyUpdate(server, update))
    Y.applyUpdate(interviewer.doc, Y.encodeStateAsUpdate(server), NETWORK)
    expect(pageName(interviewer)).toBe('Architecture')
  })
})
