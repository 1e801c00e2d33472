import * as Y from 'yjs'
import type { DocPlace } from '../../lib/room-doc/permissions'
import { itemAt } from './update-items'

/**
 * What a room keeps of its document instead of a Y.Doc: enough to accept an ordinary change
 * without building the document. A Y.Doc keeps an object graph of ~500 bytes per item (a
 * tldraw shape is ~18 items); the outline keeps the room's state vector, its deleted ranges,
 * which items are shared types, and where the few items sit that a write rule may refuse.
 *
 * plan() reads an update and either vouches for it (every struct is new and lands at a place
 * the outline knows) or returns null, and the room applies that update to a real Y.Doc as
 * before. Only the common case is handled here; anything unusual goes to Yjs.
 */

/** Places no write rule cares about, nor about anything beneath them. */
type Where = DocPlace | null
/** The outline cannot tell: the update needs the whole document. */
const NEEDS_DOC = Symbol('needs the document')
type Resolved = Where | typeof NEEDS_DOC

/** New shared types nest at most this deep in one update before the document decides. */
const MAX_NESTING = 64

/** Sorted, merged ranges of clocks per client: [start, end) pairs in one flat array. */
export class ClockRanges {
  private readonly clients = new Map<number, number[]>()

  add(client: number, start: number, end: number): void {
    if (end <= start) return
    const ranges = this.clients.get(client)
    if (!ranges) {
      this.clients.set(client, [start, end])
      return
    }
    const last = ranges.length - 2
    if (start >= ranges[last]!) {
      // Ranges mostly grow at the end (a key set again deletes its previous value).
      if (start <= ranges[last + 1]!) ranges[last + 1] = Math.max(ranges[last + 1]!, end)
      else ranges.push(start, end)
      return
    }
    const first = firstEndingAtOrAfter(ranges, start)
    let stop = first
    let from = start
    let to = end
    while (stop * 2 < ranges.length && ranges[stop * 2]! <= end) {
      from = Math.min(from, ranges[stop * 2]!)
      to = Math.max(to, ranges[stop * 2 + 1]!)
      stop++
    }
    ranges.splice(first * 2, (stop - first) * 2, from, to)
  }

  /** True when [start, end) lies within one range. */
  covers(client: number, start: number, end: number): boolean {
    const ranges = this.clients.get(client)
    if (!ranges) return false
    const i = firstEndingAtOrAfter(ranges, start + 1)
    return i * 2 < ranges.length && ranges[i * 2]! <= start && ranges[i * 2 + 1]! >= end
  }

  get rangeCount(): number {
    let count = 0
    for (const ranges of this.clients.values()) count += ranges.length / 2
    return count
  }
}

/** Index of the first pair of `ranges` whose end is at least `clock`. */
function firstEndingAtOrAfter(ranges: number[], clock: number): number {
  let low = 0
  let high = ranges.length / 2
  while (low < high) {
    const mid = (low + high) >> 1
    if (ranges[mid * 2 + 1]! < clock) low = mid + 1
    else high = mid
  }
  return low
}

/** Per client, runs of clocks and a value for each run, appended in clock order. */
class ClockRuns<V> {
  private readonly clients = new Map<number, { starts: number[]; ends: number[]; values: V[] }>()

  /** Appends [start, end) (after everything of the client), merging with a touching run of the same value. */
  append(client: number, start: number, end: number, value: V): void {
    let runs = this.clients.get(client)
    if (!runs) this.clients.set(client, (runs = { starts: [], ends: [], values: [] }))
    const last = runs.ends.length - 1
    if (last >= 0 && runs.ends[last] === start && runs.values[last] === value) runs.ends[last] = end
    else {
      runs.starts.push(start)
      runs.ends.push(end)
      runs.values.push(value)
    }
  }

  /** The value of the run holding `clock`, or undefined. */
  at(client: number, clock: number): V | undefined {
    const runs = this.clients.get(client)
    if (!runs) return undefined
    const i = this.firstEndingAfter(runs.ends, clock)
    return i < runs.starts.length && runs.starts[i]! <= clock ? runs.values[i] : undefined
  }

  /** The runs overlapping [start, end). */
  *overlapping(client: number, start: number, end: number): Generator<{ start: number; end: number; value: V }> {
    const runs = this.clients.get(client)
    if (!runs) return
    for (let i = this.firstEndingAfter(runs.ends, start); i < runs.starts.length && runs.starts[i]! < end; i++) {
      yield { start: runs.starts[i]!, end: runs.ends[i]!, value: runs.values[i]! }
    }
  }

  private firstEndingAfter(ends: number[], clock: number): number {
    let low = 0
    let high = ends.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (ends[mid]! <= clock) low = mid + 1
      else high = mid
    }
    return low
  }
}

/** What plan() found; commit() records it. */
export interface OutlinePlan {
  /** False when the update adds nothing the room has not got (no structs, known deletions). */
  readonly changes: boolean
  /** The places of the update's new items that a rule may care about. */
  readonly writes: DocPlace[]
  /** The places of items the update deletes that a rule may care about and that are not deleted yet. */
  readonly deletes: DocPlace[]
  readonly items: ReadonlyArray<{ client: number; clock: number; length: number; where: Where; isType: boolean }>
  readonly deletions: ReadonlyArray<{ client: number; start: number; end: number }>
}

export class DocOutline {
  private readonly state = new Map<number, number>()
  private readonly deleted = new ClockRanges()
  /** Items at places that `matters` keeps, with the place. */
  private readonly notable = new ClockRuns<DocPlace>()
  /** Shared-type items (length 1 each), with their place or null when nothing beneath them matters. */
  private readonly types = new ClockRuns<Where>()
  private readonly interned = new Map<string, DocPlace>()

  /**
   * `matters(place)` is false only when no rule cares about the place or anything beneath it
   * (e.g. mayHoldInterviewerOnly); items elsewhere are remembered only by their clock.
   */
  constructor(private readonly matters: (place: DocPlace) => boolean) {}

  /** The outline of a document as it is now. */
  static of(doc: Y.Doc, matters: (place: DocPlace) => boolean): DocOutline {
    const outline = new DocOutline(matters)
    const typePlaces = new Map<Y.AbstractType<unknown>, Where>()
    const placeOfType = (type: Y.AbstractType<unknown> | null): Where => {
      if (!type) return null
      const cached = typePlaces.get(type)
      if (cached !== undefined) return cached
      let where: Where
      if (type._item) where = placeOfItem(type._item)
      else {
        const root = Y.findRootTypeKey(type)
        where = outline.keep({ root, keys: [] })
      }
      typePlaces.set(type, where)
      return where
    }
    const placeOfItem = (item: Y.Item): Where => {
      const parent = placeOfType(item.parent as Y.AbstractType<unknown> | null)
      return parent && outline.keep({ root: parent.root, keys: [...parent.keys, item.parentSub] })
    }
    for (const [client, structs] of doc.store.clients) {
      outline.state.set(client, Y.getState(doc.store, client))
      for (const struct of structs) {
        const { clock } = struct.id
        if (struct.deleted) outline.deleted.add(client, clock, clock + struct.length)
        if (!(struct instanceof Y.Item)) continue
        const where = placeOfItem(struct)
        if (where) outline.notable.append(client, clock, clock + struct.length, where)
        if (struct.content instanceof Y.ContentType) outline.types.append(client, clock, clock + 1, where)
      }
    }
    return outline
  }

  stateOf(client: number): number {
    return this.state.get(client) ?? 0
  }

  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.state)
  }

  /**
   * Reads an update that inspectUpdate passed without anything missing. Null when the outline
   * cannot vouch for it: a struct the room has part of, a new GC or skip struct, a parent that
   * is not a known shared type, a neighbour it cannot place.
   */
  plan(update: Uint8Array): OutlinePlan | null {
    const { structs, ds } = Y.decodeUpdate(update)
    const own = new Map<number, Y.Item[]>()
    const next = new Map<number, number>()
    for (const struct of structs) {
      const { client, clock } = struct.id
      // What the room has already changes nothing (a client resending what it loaded offline).
      if (clock + struct.length <= this.stateOf(client)) continue
      if (!(struct instanceof Y.Item)) return null
      if (clock !== (next.get(client) ?? this.stateOf(client))) return null
      next.set(client, clock + struct.length)
      const list = own.get(client)
      if (list) list.push(struct)
      else own.set(client, [struct])
    }
    const resolver = new Resolver(this, own)
    const items: Array<OutlinePlan['items'][number]> = []
    const writes: DocPlace[] = []
    for (const [client, list] of own) {
      for (const item of list) {
        const where = resolver.placeOf(item, 0)
        if (where === NEEDS_DOC) return null
        if (where) writes.push(where)
        items.push({ client, clock: item.id.clock, length: item.length, where, isType: item.content instanceof Y.ContentType })
      }
    }
    const deletions: Array<OutlinePlan['deletions'][number]> = []
    const deletes: DocPlace[] = []
    let newDeletions = false
    for (const [client, ranges] of ds.clients) {
      for (const { clock, len } of ranges) {
        const end = clock + len
        deletions.push({ client, start: clock, end })
        if (this.deleted.covers(client, clock, end)) continue
        newDeletions = true
        for (const run of this.notable.overlapping(client, clock, end)) {
          const from = Math.max(run.start, clock)
          if (!this.deleted.covers(client, from, Math.min(run.end, end))) deletes.push(run.value)
        }
      }
    }
    return { changes: items.length > 0 || newDeletions, writes, deletes, items, deletions }
  }

  /** Records a planned update as applied. */
  commit(plan: OutlinePlan): void {
    for (const { client, clock, length, where, isType } of plan.items) {
      this.state.set(client, Math.max(this.stateOf(client), clock + length))
      if (where) this.notable.append(client, clock, clock + length, where)
      if (isType) this.types.append(client, clock, clock + 1, where)
    }
    for (const { client, start, end } of plan.deletions) this.deleted.add(client, start, end)
  }

  /** The place of a stored item, null when nothing there matters (for Resolver). */
  storedPlace(id: Y.ID): Where {
    return this.notable.at(id.client, id.clock) ?? null
  }

  /** The place of a stored shared type, for Resolver; undefined when the item is no shared type the outline knows. */
  storedTypePlace(id: Y.ID): Where | undefined {
    return this.types.at(id.client, id.clock)
  }

  /** The place itself (one object per distinct place) when it matters, else null. */
  keep(place: DocPlace): Where {
    if (!this.matters(place)) return null
    const key = JSON.stringify([place.root, ...place.keys])
    let kept = this.interned.get(key)
    if (!kept) this.interned.set(key, (kept = place))
    return kept
  }
}

/** Places the new items of one update, through their parent or a neighbour. */
class Resolver {
  private readonly resolved = new Map<Y.Item, Resolved>()

  constructor(
    private readonly outline: DocOutline,
    private readonly own: Map<number, Y.Item[]>,
  ) {}

  placeOf(first: Y.Item, depth: number): Resolved {
    const chain: Y.Item[] = []
    const visiting = new Set<Y.Item>()
    let where: Resolved = NEEDS_DOC
    for (let item: Y.Item | null = first; item; ) {
      const known = this.resolved.get(item)
      if (known !== undefined) {
        where = known
        break
      }
      if (visiting.has(item)) break
      visiting.add(item)
      chain.push(item)
      const parent = item.parent as string | Y.ID | null
      if (typeof parent === 'string') {
        where = this.outline.keep({ root: parent, keys: [item.parentSub] })
        break
      }
      if (parent) {
        const typePlace = depth > MAX_NESTING ? NEEDS_DOC : this.typePlace(parent, depth + 1)
        where = typePlace === NEEDS_DOC || typePlace === null ? typePlace : this.outline.keep({ root: typePlace.root, keys: [...typePlace.keys, item.parentSub] })
        break
      }
      // Placed by a neighbour: same parent and, in a map, same key.
      const neighbour: Y.ID | null = item.origin ?? item.rightOrigin
      if (!neighbour) break
      if (neighbour.clock < this.outline.stateOf(neighbour.client)) {
        where = this.outline.storedPlace(neighbour)
        break
      }
      item = itemAt(this.own, neighbour)
    }
    for (const item of chain) this.resolved.set(item, where)
    return where
  }

  private typePlace(id: Y.ID, depth: number): Resolved {
    if (id.clock < this.outline.stateOf(id.client)) {
      const where = this.outline.storedTypePlace(id)
      return where === undefined ? NEEDS_DOC : where
    }
    const item = itemAt(this.own, id)
    if (!item || item.id.clock !== id.clock || !(item.content instanceof Y.ContentType)) return NEEDS_DOC
    return this.placeOf(item, depth)
  }
}
