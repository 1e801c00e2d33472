import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { TLGeoShape } from '@tldraw/tlschema'
import { getRoomRecords } from '../room-doc/layout'
import { readRecord } from './record-codec'
import { createPeer, deliver, geoShape, seededRoomUpdate } from './testing'

// In a browser tldraw hands store changes to listeners once per animation frame; under
// NODE_ENV=test it does so at once unless told otherwise. Here frames run only on demand, and
// the clock tldraw's frame scheduler reads advances one frame per round.
const frames: FrameRequestCallback[] = []
let clock = Date.now()
function runFrames() {
  for (let round = 0; round < 10 && frames.length > 0; round++) {
    clock += 20
    frames.splice(0).forEach((frame) => frame(clock))
  }
}

beforeAll(() => {
  vi.stubGlobal('__FORCE_RAF_IN_TESTS__', true)
  vi.stubGlobal('requestAnimationFrame', (frame: FrameRequestCallback) => frames.push(frame))
  vi.stubGlobal('cancelAnimationFrame', () => undefined)
  vi.spyOn(Date, 'now').mockImplementation(() => clock)
})
afterAll(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

it('keeps a local edit still waiting for its frame when a remote edit of the same shape arrives', () => {
  const room = seededRoomUpdate()
  const a = createPeer(1, room)
  const b = createPeer(2, room)
  const box = geoShape('box')
  a.store.put([box])
  runFrames()
  deliver(a, b)
  expect(b.store.has(box.id)).toBe(true)

  b.store.update(box.id, (s) => ({ ...(s as TLGeoShape), props: { ...(s as TLGeoShape).props, color: 'red' } }))
  runFrames()
  a.store.update(box.id, (s) => ({ ...s, x: 500 }))
  expect(readRecord(getRoomRecords(a.doc).get(box.id)!)).toMatchObject({ x: 0 }) // a's move waits for a frame
  deliver(b, a)
  runFrames()
  deliver(a, b)

  for (const side of [a, b]) {
    expect(side.store.get(box.id)).toMatchObject({ x: 500, props: { color: 'red' } })
    expect(readRecord(getRoomRecords(side.doc).get(box.id)!)).toMatchObject({ x: 500, props: { color: 'red' } })
  }
  a.binding.dispose()
  b.binding.dispose()
})
