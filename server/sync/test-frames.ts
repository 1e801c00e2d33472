/**
 * For the sync tests: a seeded random source, raw protocol frames, and documents edited at
 * random with every kind of Yjs content.
 */
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MessageType } from '../../lib/sync/protocol'

/** mulberry32: a small seeded PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (below: number): number => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    bytes: (length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(next() * 256)),
  }
}
export type SeededRandom = ReturnType<typeof seededRandom>

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** A sync update frame (`[0, 2, update]`) around any bytes. */
export function updateFrame(update: Uint8Array, step2 = false): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, step2 ? 1 : 2)
    encoding.writeVarUint8Array(e, update)
  })
}

/** A sync step 1 frame around any bytes. */
export function stateVectorFrame(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

/** An awareness frame around any bytes. */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness)
    encoding.writeVarUint8Array(e, update)
  })
}

/** An awareness update of one client with a JSON state given as text. */
export function awarenessUpdate(clientId: number, clock: number, stateJson: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, clientId)
    encoding.writeVarUint(e, clock)
    encoding.writeVarString(e, stateJson)
  })
}

/** A save check frame. */
export function saveCheckFrame(check: number): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.saveCheck)
    encoding.writeVarUint(e, check)
  })
}

/** A valid update from a fresh client that sets `key` in the room's `scratch` map. */
export function scratchUpdate(key: string, value: unknown): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('scratch').set(key, value)
  return Y.encodeStateAsUpdate(doc)
}

/** A value of random shape and depth, as tldraw records hold. */
function randomValue(random: SeededRandom, depth = 0): unknown {
  switch (random.int(depth > 3 ? 5 : 8)) {
    case 0:
      return random.int(1000) - 500
    case 1:
      return random.next()
    case 2:
      return `text ${random.int(1e6)}`
    case 3:
      return random.int(2) === 0
    case 4:
      return null
    case 5:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1))
    case 6:
      return Object.fromEntries(Array.from({ length: random.int(4) }, (_, i) => [`k${i}`, randomValue(random, depth + 1)]))
    default:
      return new Uint8Array([random.int(256), random.int(256)])
  }
}

/** One random edit of `doc`, touching maps, arrays, text (with formats and embeds), xml and nested types. */
export function randomEdit(doc: Y.Doc, random: SeededRandom): void {
  doc.transact(() => {
    const map = doc.getMap('records')
    const list = doc.getArray<unknown>('list')
    const text = doc.getText('notes')
    switch (random.int(9)) {
      case 0:
        map.set(`r${random.int(20)}`, randomValue(random))
        break
      case 1: {
        const keys = [...map.keys()]
        if (keys.length > 0) map.delete(random.pick(keys))
        break
      }
      case 2:
        list.insert(random.int(list.length + 1), [randomValue(random), randomValue(random)])
        break
      case 3:
        if (list.length > 0) list.delete(random.int(list.length), 1)
        break
      case 4:
        text.insert(random.int(text.length + 1), `word${random.int(100)} `, random.int(3) === 0 ? { bold: true } : undefined)
        break
      case 5:
        if (text.length > 2) text.delete(random.int(text.length - 1), 2)
        else text.insertEmbed(0, { image: 'x.png' })
        break
      case 6: {
        const nested = new Y.Map<unknown>()
        nested.set('x', random.int(100))
        map.set(`shape${random.int(10)}`, nested)
        break
      }
      case 7: {
        const shape = map.get(`shape${random.int(10)}`)
        if (shape instanceof Y.Map) shape.set('y', randomValue(random))
        else list.push([new Y.Array<number>()])
        break
      }
      default: {
        const xml = doc.getXmlFragment('xml')
        const element = new Y.XmlElement('p')
        element.insert(0, [new Y.XmlText(`t${random.int(10)}`)])
        // XmlFragment.insert's type leaves out hooks, which it takes.
        xml.insert(0, [element, new Y.XmlHook('hook') as unknown as Y.XmlElement])
        if (xml.length > 4) xml.delete(2, 2)
      }
    }
  })
}
