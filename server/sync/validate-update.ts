import * as decoding from 'lib0/decoding'
import type { SyncLimits } from './limits'

/**
 * Checks of what a client sends before any of it reaches a room: a document update, a state
 * vector, an awareness update. Each walks the bytes without building Yjs structures, so a
 * crafted payload costs at most one pass over its bytes.
 */

/** A payload the room refuses; `tooLarge` when it broke a size limit rather than the format. */
export class InvalidPayload extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message)
  }
}

export type UpdateLimits = Pick<SyncLimits, 'maxUpdateStructs' | 'maxUpdateDeleteRanges' | 'maxValueDepth'>

export interface UpdateShape {
  structs: number
  deleteRanges: number
  /**
   * True when part of the update depends on changes the room does not have: Yjs would keep
   * that part pending (in memory, re-merged on every later update) until they arrive.
   */
  missing: boolean
}

/** Clocks stay exact integers, so Yjs's clock arithmetic cannot lose precision. */
const MAX_CLOCK = Number.MAX_SAFE_INTEGER

// Struct and content kinds of the Yjs v1 update format (info & 31).
const GC = 0
const SKIP = 10
const Content = { deleted: 1, json: 2, binary: 3, string: 4, embed: 5, format: 6, type: 7, any: 8, doc: 9 } as const
const BIT_ORIGIN = 0x80
const BIT_RIGHT_ORIGIN = 0x40
const BIT_PARENT_SUB = 0x20
/** Yjs shared type refs: array, map, text, xml element, xml fragment, xml hook, xml text. */
const MAX_TYPE_REF = 6
const TYPE_REFS_WITH_NAME = new Set([3, 5])

/**
 * Walks a Yjs v1 update as Y.applyUpdate would read it and refuses what would throw midway
 * through applying, hang, or leave structs pending forever: malformed bytes, unknown
 * content, empty structs, references to a later change of the same client, clocks beyond
 * exact integers, nesting deeper than `maxValueDepth`, subdocuments (unused here, and each
 * would be a live Y.Doc on the server), trailing bytes, and more structs or delete ranges
 * than the limits allow. `stateOf` gives the room's clock for a client.
 */
export function inspectUpdate(update: Uint8Array, stateOf: (client: number) => number, limits: UpdateLimits): UpdateShape {
  const reader = new Reader(update, limits.maxValueDepth)
  const dependencies = new Dependencies(stateOf)
  /** Per client of the update: the clock up to which its changes exist once the update is applied. */
  const reachableEnd = new Map<number, number>()
  let missing = false
  let structs = 0

  const clients = reader.count()
  for (let i = 0; i < clients; i++) {
    const count = reader.count()
    structs += count
    if (structs > limits.maxUpdateStructs) throw new InvalidPayload(`more than ${limits.maxUpdateStructs} structs in one update`, true)
    const client = reader.uint()
    if (reachableEnd.has(client)) throw new InvalidPayload('a client appears twice in one update')
    let clock = reader.uint()
    // As Yjs integrates: a struct past what exists of its client waits, and so does the rest.
    let integrated = stateOf(client)
    for (let j = 0; j < count; j++) {
      const info = reader.byte()
      const kind = info & 0x1f
      let length: number
      if (kind === GC || kind === SKIP) length = reader.uint()
      else {
        if (info & BIT_ORIGIN) dependencies.add(client, clock, reader.uint(), reader.uint())
        if (info & BIT_RIGHT_ORIGIN) dependencies.add(client, clock, reader.uint(), reader.uint())
        if ((info & (BIT_ORIGIN | BIT_RIGHT_ORIGIN)) === 0) {
          if (reader.uint() === 1) reader.skipString()
          else dependencies.add(client, clock, reader.uint(), reader.uint())
          if (info & BIT_PARENT_SUB) reader.skipString()
        }
        length = readContentLength(reader, kind)
      }
      if (length < 1) throw new InvalidPayload('an empty struct')
      if (clock + length > MAX_CLOCK) throw new InvalidPayload('a clock beyond the exact integers')
      // Yjs ignores skips (ranges the sender does not have).
      if (kind !== SKIP) {
        if (clock > integrated) missing = true
        else integrated = Math.max(integrated, clock + length)
      }
      clock += length
    }
    reachableEnd.set(client, integrated)
  }

  /** The clock up to which a client's changes exist once this update is applied. */
  const reachable = (client: number): number => reachableEnd.get(client) ?? stateOf(client)
  if (!dependencies.allWithin(reachable)) missing = true

  let deleteRanges = 0
  const deleteClients = reader.count()
  for (let i = 0; i < deleteClients; i++) {
    const client = reader.uint()
    const count = reader.count()
    deleteRanges += count
    if (deleteRanges > limits.maxUpdateDeleteRanges) {
      throw new InvalidPayload(`more than ${limits.maxUpdateDeleteRanges} delete ranges in one update`, true)
    }
    const until = reachable(client)
    for (let j = 0; j < count; j++) {
      const clock = reader.uint()
      const length = reader.uint()
      // Yjs cannot encode an empty range it has to keep pending, and throws midway.
      if (length === 0) throw new InvalidPayload('an empty delete range')
      const end = clock + length
      if (end > MAX_CLOCK) throw new InvalidPayload('a clock beyond the exact integers')
      if (end > until) missing = true
    }
  }
  reader.end()
  return { structs, deleteRanges, missing }
}

/** What the structs of an update refer to, checked against the room as they are read. */
class Dependencies {
  /** References to other clients beyond what the room has: pairs of client, clock. */
  private readonly beyond: number[] = []

  constructor(private readonly stateOf: (client: number) => number) {}

  /** A struct of `client` at `clock` refers to the change `depClient`, `depClock`. */
  add(client: number, clock: number, depClient: number, depClock: number): void {
    if (depClient === client) {
      // Yjs looks such a reference up without checking it exists, and throws midway.
      if (depClock >= clock) throw new InvalidPayload('a struct refers to a later change of its own client')
    } else if (depClock >= this.stateOf(depClient)) this.beyond.push(depClient, depClock)
  }

  /** True when every reference beyond the room falls within what the update itself brings. */
  allWithin(reachable: (client: number) => number): boolean {
    for (let i = 0; i < this.beyond.length; i += 2) {
      if ((this.beyond[i + 1] as number) >= reachable(this.beyond[i] as number)) return false
    }
    return true
  }
}

/** Reads one item's content and returns its length in clock ticks, as Yjs counts it. */
function readContentLength(reader: Reader, kind: number): number {
  switch (kind) {
    case Content.deleted:
      return reader.uint()
    case Content.json: {
      const count = reader.count()
      for (let i = 0; i < count; i++) {
        const text = reader.string()
        if (text !== 'undefined') reader.json(text)
      }
      return count
    }
    case Content.binary:
      reader.skipBytes()
      return 1
    case Content.string:
      return reader.stringLength()
    case Content.embed:
      reader.json(reader.string())
      return 1
    case Content.format:
      reader.skipString()
      reader.json(reader.string())
      return 1
    case Content.type: {
      const typeRef = reader.uint()
      if (typeRef > MAX_TYPE_REF) throw new InvalidPayload(`unknown shared type ${typeRef}`)
      if (TYPE_REFS_WITH_NAME.has(typeRef)) reader.skipString()
      return 1
    }
    case Content.any: {
      const count = reader.count()
      for (let i = 0; i < count; i++) reader.any(0)
      return count
    }
    case Content.doc:
      throw new InvalidPayload('subdocuments are not supported')
    default:
      throw new InvalidPayload(`unknown content kind ${kind}`)
  }
}

export type StateVectorLimits = Pick<SyncLimits, 'maxStateVectorClients'>

/** Checks a state vector (sync step 1) before the room encodes a reply to it. */
export function inspectStateVector(stateVector: Uint8Array, limits: StateVectorLimits): void {
  const reader = new Reader(stateVector, 0)
  const clients = reader.count()
  if (clients > limits.maxStateVectorClients) {
    throw new InvalidPayload(`more than ${limits.maxStateVectorClients} clients in a state vector`, true)
  }
  for (let i = 0; i < clients; i++) {
    reader.uint()
    reader.uint()
  }
  reader.end()
}

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** Null when the client announces that it left. */
  state: unknown
}

export type AwarenessLimits = Pick<SyncLimits, 'maxAwarenessBytes' | 'maxValueDepth'>

/**
 * Reads an awareness update whole before anything of it is applied: y-protocols applies
 * entries one by one, and a state it cannot encode again would break every later
 * broadcast of the room's presence.
 */
export function readAwarenessUpdate(update: Uint8Array, limits: AwarenessLimits): AwarenessEntry[] {
  if (update.byteLength > limits.maxAwarenessBytes) {
    throw new InvalidPayload(`an awareness update over ${limits.maxAwarenessBytes} bytes`, true)
  }
  const reader = new Reader(update, limits.maxValueDepth)
  const count = reader.count()
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = reader.uint()
    const clock = reader.uint()
    const state = reader.json(reader.string())
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      throw new InvalidPayload('an awareness state that is not an object')
    }
    entries.push({ clientId, clock, state })
  }
  reader.end()
  return entries
}

/** Fails on malformed UTF-8, as lib0's decoder does. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new InvalidPayload('a string that is not UTF-8')
  }
}

/** lib0 decoding with every read bounds-checked (lib0's readUint8 reads past the end silently). */
class Reader {
  private readonly decoder: decoding.Decoder

  constructor(
    bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.decoder = decoding.createDecoder(bytes)
  }

  byte(): number {
    const { arr, pos } = this.decoder
    if (pos >= arr.length) throw new InvalidPayload('unexpected end of data')
    this.decoder.pos = pos + 1
    return arr[pos] as number
  }

  uint(): number {
    return decoding.readVarUint(this.decoder)
  }

  /** A count of things that follow; each takes at least one byte, so it cannot exceed what is left. */
  count(): number {
    const count = this.uint()
    if (count > this.decoder.arr.length - this.decoder.pos) throw new InvalidPayload('a count beyond the data')
    return count
  }

  string(): string {
    return decoding.readVarString(this.decoder)
  }

  /**
   * Skips a string, checking that it is UTF-8 (Yjs's decoder throws otherwise), and returns
   * its length in UTF-16 units (as Yjs counts text). ASCII, nearly every string of a board,
   * is checked where it lies: no view is made and nothing is decoded.
   */
  stringLength(): number {
    const length = this.uint()
    const { arr, pos } = this.decoder
    this.skip(length)
    for (let i = pos; i < pos + length; i++) {
      if ((arr[i] as number) > 0x7f) return decodeUtf8(arr.subarray(pos, pos + length)).length
    }
    return length
  }

  skipString(): void {
    this.stringLength()
  }

  skipBytes(): void {
    this.skip(this.uint())
  }

  /** Parses JSON text after checking its nesting (JSON.stringify of a deep value overflows the stack). */
  json(text: string): unknown {
    let depth = 0
    let inString = false
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (c === 0x5c) i++
        else if (c === 0x22) inString = false
      } else if (c === 0x22) inString = true
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > this.maxDepth) throw new InvalidPayload(`a value nested deeper than ${this.maxDepth}`)
      } else if (c === 0x5d || c === 0x7d) depth--
    }
    try {
      return JSON.parse(text)
    } catch {
      throw new InvalidPayload('invalid JSON')
    }
  }

  /** Skips one lib0 `any` value (the encoding of Y.Map and Y.Array values). */
  any(depth: number): void {
    if (depth > this.maxDepth) throw new InvalidPayload(`a value nested deeper than ${this.maxDepth}`)
    const tag = this.byte()
    switch (tag) {
      case 127: // undefined
      case 126: // null
      case 121: // false
      case 120: // true
        return
      case 125: // integer
        this.need(1)
        decoding.readVarInt(this.decoder)
        return
      case 124:
        this.skip(4)
        return
      case 123:
      case 122:
        this.skip(8)
        return
      case 119:
        this.skipString()
        return
      case 118: {
        const keys = this.count()
        for (let i = 0; i < keys; i++) {
          this.skipString()
          this.any(depth + 1)
        }
        return
      }
      case 117: {
        const items = this.count()
        for (let i = 0; i < items; i++) this.any(depth + 1)
        return
      }
      case 116:
        this.skipBytes()
        return
      default:
        throw new InvalidPayload(`unknown value tag ${tag}`)
    }
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.decoder.pos !== this.decoder.arr.length) throw new InvalidPayload('trailing bytes')
  }

  private need(bytes: number): void {
    if (this.decoder.pos + bytes > this.decoder.arr.length) throw new InvalidPayload('unexpected end of data')
  }

  private skip(bytes: number): void {
    this.need(bytes)
    this.decoder.pos += bytes
  }
}
