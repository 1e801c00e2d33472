import { describe, expect, it } from 'vitest'
import { SaveTracker } from './save-tracker'

function tracker(restored = 0) {
  const sent: number[] = []
  const t = new SaveTracker((check) => sent.push(check), restored)
  return { t, sent }
}

describe('save tracker', () => {
  it('ST1: changes made before the first sync are kept and sent with one check after it', () => {
    const { t, sent } = tracker()
    t.localChange()
    t.localChange()
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
    t.localChange()
    t.localChange()
    t.localChange()
    expect(sent).toEqual([1, 2, 3, 4])
    t.confirmed(3)
    expect(t.unsavedCount).toBe(1)
    t.confirmed(4)
    expect(t.unsavedCount).toBe(0)
  })

  it('ST3: a dropped connection makes in-flight changes unconfirmed again; they are re-sent after the next sync', () => {
    const { t, sent } = tracker()
    t.synced()
    t.localChange()
    t.disconnected()
    t.confirmed(2)
    expect(t.unsavedCount).toBe(1)
    t.localChange()
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
})
