import type * as Y from 'yjs'

/**
 * The item of an update that holds `id`, from the update's items grouped by client in clock
 * order; null when the update has none. Items cover ranges of clocks, so an id may fall
 * inside one (a neighbour in the middle of a typed word).
 */
export function itemAt<T extends { id: Y.ID; length: number }>(byClient: Map<number, T[]>, id: Y.ID): T | null {
  const items = byClient.get(id.client)
  if (!items) return null
  let low = 0
  let high = items.length - 1
  while (low <= high) {
    const mid = (low + high) >> 1
    const item = items[mid]!
    if (id.clock < item.id.clock) high = mid - 1
    else if (id.clock >= item.id.clock + item.length) low = mid + 1
    else return item
  }
  return null
}
