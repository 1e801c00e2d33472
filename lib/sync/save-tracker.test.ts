import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { changedKeys, SaveTracker } from './save-tracker'

function tracker(restored = 0) {
  const sent: number[] = []
  const t = new SaveTracker((check) => sent.push(check), restored)
  return { t, sent }
}

describe('save tracker', () => {
  it('ST1: changes made before the first sync are kept and sent with one check after it', () => {
    const { t, sent } = tracker()
    t.localChange(['a'])
    t.localChange(['b'])
    expect(t.unsavedCount).toBe(2)
    expect(sent).toEqual([])
    t.synced()
    expect(sent).toEqual([1])
    expect(t.unsavedCount).toBe(2)
    t.confirmed(1)
    expect(t.unsavedCount).toBe(0)
  })

  it('ST2: a confirmation covers only the checks sent up to it', () => {
    const { t, sent } = tracker()
    t.synced()
    t.localChange(['a'])
    t.localChange(['b'])
    t.localChange(['c'])
    expect(sent).toEqual([1, 2, 3, 4])
    t.confirmed(3)
    expect(t.unsavedCount).toBe(1)
    t.confirmed(4)
    expect(t.unsavedCount).toBe(0)
  })

  it('ST3: a dropped connection makes in-flight changes unconfirmed again; they are re-sent after the next sync', () => {
    const { t, sent } = tracker()
    t.synced()
    t.localChange(['a'])
    t.disconnected()
    t.confirmed(2)
    expect(t.unsavedCount).toBe(1)
    t.localChange(['b'])
    expect(t.unsavedCount).toBe(2)
    t.synced()
    expect(sent.at(-1)).toBe(3)
    t.confirmed(3)
    expect(t.unsavedCount).toBe(0)
  })

  it('ST4: changes kept from an earlier visit count as unsaved until the server confirms them', () => {
    const { t } = tracker(5)
    expect(t.unsavedCount).toBe(5)
    t.synced()
    t.confirmed(1)
    expect(t.unsavedCount).toBe(0)
  })

  it('ST5: one shape changed over many frames counts as one change until confirmed', () => {
    const { t } = tracker()
    for (let frame = 0; frame < 30; frame += 1) t.localChange(['shape:box'])
    t.localChange(['shape:arrow'])
    expect(t.unsavedCount).toBe(2)
  })

  it('ST6: changedKeys names the record each transaction touched, nested or not', () => {
    const doc = new Y.Doc()
    const records = doc.getMap<Y.Map<unknown>>('tldraw')
    const seen: string[][] = []
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push([...changedKeys(tr)].sort()))
    doc.transact(() => {
      records.set('shape:a', new Y.Map())
      records.set('shape:b', new Y.Map())
    })
    records.get('shape:a')?.set('base', { x: 1 })
    doc.transact(() => records.delete('shape:b'))
    expect(seen).toEqual([['shape:a', 'shape:b'], ['shape:a'], ['shape:b']])
  })
})
