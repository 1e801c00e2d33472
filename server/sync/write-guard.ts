import * as Y from 'yjs'
import type { DocPlace } from '../../lib/room-doc/permissions'
import { itemAt } from './update-items'

/**
 * Finds where an update would write before it touches the document, so that a role can be
 * refused a part of the document (the candidate, the timer and the decisions on
 * requirements) even though it may write the rest.
 *
 * Yjs encodes the parent of an item only when the item has no neighbour; otherwise the item
 * sits where its origin sits. So each new item is placed through its parent, or through its
 * origin in the update or in the document; each deletion through the deleted item in the
 * document. A place is the root type's name and the map keys down to the written entry
 * (null for a position in a list or text).
 */

/** An item's place could not be worked out: the update is malformed or crafted. */
const UNKNOWN = Symbol('unknown place')
type Resolved = DocPlace | typeof UNKNOWN | null
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds']

/** New shared types nest at most this deep in one update (the room's nest a few levels). */
const MAX_NESTING = 256

interface DecodedItem {
  id: Y.ID
  length: number
  origin: Y.ID | null
  rightOrigin: Y.ID | null
  parent: string | Y.ID | null
  parentSub: string | null
}

/**
 * The first place the update writes (adds or deletes) that `forbidden` refuses, or null when
 * it may be applied. An update whose places cannot be told is refused as a whole, described
 * as `{ root: '?' }`. Items whose surroundings were deleted and collected (GC) land nowhere
 * and are allowed: Yjs drops them.
 */
export function findForbiddenWrite(doc: Y.Doc, update: Uint8Array, forbidden: (place: DocPlace) => boolean): DocPlace | null {
  const { structs, ds } = Y.decodeUpdate(update)
  const own = new Map<number, DecodedItem[]>()
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue
    const item = struct as unknown as DecodedItem
    const list = own.get(item.id.client)
    if (list) list.push(item)
    else own.set(item.id.client, [item])
  }
  const resolver = new PlaceResolver(doc, own)
  const check = (place: Resolved): DocPlace | null => {
    if (place === null) return null
    if (place === UNKNOWN) return { root: '?', keys: [] }
    return forbidden(place) ? place : null
  }
  for (const [client, items] of own) {
    // What the room already has changes nothing: a client forwards what it loaded from its
    // offline copy, which holds others' changes too (the interviewer's timer, say).
    const known = Y.getState(doc.store, client)
    for (const item of items) {
      if (item.id.clock + item.length <= known) continue
      const found = check(resolver.placeOfNew(item, 0))
      if (found) return found
    }
  }
  for (const [client, ranges] of ds.clients) {
    const known = Y.getState(doc.store, client)
    const docStructs = doc.store.clients.get(client)
    if (!docStructs) continue
    for (const range of ranges) {
      const end = Math.min(range.clock + range.len, known)
      if (range.clock >= end) continue
      let index = Y.findIndexSS(docStructs, range.clock)
      for (; index < docStructs.length && docStructs[index]!.id.clock < end; index += 1) {
        const struct = docStructs[index]!
        if (!(struct instanceof Y.Item) || struct.deleted || insideDeleted(struct, ds)) continue
        const found = check(resolver.placeOfStored(struct))
        if (found) return found
      }
    }
  }
  return null
}

/**
 * Deleting a map or text deletes its entries too; those go with their container, whose own
 * deletion is what is judged.
 */
function insideDeleted(item: Y.Item, ds: DeleteSet): boolean {
  for (let type = item.parent as Y.AbstractType<unknown> | null; type?._item; type = type._item.parent as Y.AbstractType<unknown> | null) {
    if (type._item.deleted || Y.isDeleted(ds, type._item.id)) return true
  }
  return false
}

class PlaceResolver {
  private readonly typePlaces = new Map<Y.AbstractType<unknown>, Resolved>()
  private readonly ownPlaces = new Map<DecodedItem, Resolved>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly own: Map<number, DecodedItem[]>,
  ) {}

  /**
   * Where an item of the update lands. Runs of items placed by their neighbours (a key set
   * many times, a word typed) are walked without recursion and remembered, so the work stays
   * linear in the update; a cycle of neighbours is refused.
   */
  placeOfNew(first: DecodedItem, depth: number): Resolved {
    const chain: DecodedItem[] = []
    const visiting = new Set<DecodedItem>()
    let place: Resolved = UNKNOWN
    for (let item: DecodedItem | null = first; item; ) {
      const known = this.ownPlaces.get(item)
      if (known !== undefined) {
        place = known
        break
      }
      if (visiting.has(item)) break
      visiting.add(item)
      const { parent, parentSub } = item
      if (typeof parent === 'string') {
        this.ownPlaces.set(item, (place = { root: parent, keys: [parentSub] }))
        break
      }
      if (parent !== null) {
        const typePlace = depth > MAX_NESTING ? UNKNOWN : this.placeOfId(parent, depth + 1)
        place = typePlace === null || typePlace === UNKNOWN ? typePlace : { root: typePlace.root, keys: [...typePlace.keys, parentSub] }
        this.ownPlaces.set(item, place)
        break
      }
      // A neighbour shares the item's parent and, in a map, its key.
      chain.push(item)
      const neighbour: Y.ID | null = item.origin ?? item.rightOrigin
      if (!neighbour) break
      if (this.isStored(neighbour)) {
        place = this.placeOfStoredId(neighbour)
        break
      }
      item = itemAt(this.own, neighbour)
    }
    for (const item of chain) this.ownPlaces.set(item, place)
    return place
  }

  /** Where a stored item sits. */
  placeOfStored(item: Y.Item): Resolved {
    const typePlace = this.placeOfType(item.parent as Y.AbstractType<unknown> | null)
    if (typePlace === null || typePlace === UNKNOWN) return typePlace
    return { root: typePlace.root, keys: [...typePlace.keys, item.parentSub] }
  }

  /** Where the item with this id sits, whether it is new in the update or stored. */
  private placeOfId(id: Y.ID, depth: number): Resolved {
    if (this.isStored(id)) return this.placeOfStoredId(id)
    const item = itemAt(this.own, id)
    return item ? this.placeOfNew(item, depth) : UNKNOWN
  }

  private isStored(id: Y.ID): boolean {
    return id.clock < Y.getState(this.doc.store, id.client)
  }

  private placeOfStoredId(id: Y.ID): Resolved {
    const struct = Y.getItem(this.doc.store, id) as Y.Item | Y.GC
    return struct instanceof Y.Item ? this.placeOfStored(struct) : null
  }

  /** The place of a shared type: its root's name, or the place of the item holding it. */
  private placeOfType(type: Y.AbstractType<unknown> | null): Resolved {
    if (!type) return null
    const cached = this.typePlaces.get(type)
    if (cached !== undefined) return cached
    let place: Resolved
    if (type._item) place = this.placeOfStored(type._item)
    else {
      const root = Y.findRootTypeKey(type)
      place = root ? { root, keys: [] } : UNKNOWN
    }
    this.typePlaces.set(type, place)
    return place
  }
}
