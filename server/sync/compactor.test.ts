import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Compactor } from './compactor'

const compactors: Compactor[] = []
afterEach(async () => {
  for (const compactor of compactors.splice(0)) await compactor.close()
})

function compactor(): Compactor {
  const made = new Compactor()
  compactors.push(made)
  return made
}

/** A document's encoding, then changes that overwrite most of what it holds. */
function history(): { doc: Y.Doc; base: Uint8Array; changes: Uint8Array[] } {
  const doc = new Y.Doc()
  const map = doc.getMap('records')
  for (let i = 0; i < 20; i++) map.set(`shape${i}`, { x: 0, y: 0, label: 'a label that takes some room' })
  const base = Y.encodeStateAsUpdate(doc)
  const changes: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => changes.push(update))
  for (let i = 0; i < 200; i++) map.set(`shape${i % 20}`, { x: i, y: i, label: 'a label that takes some room' })
  doc.getText('notes').insert(0, 'kept')
  return { doc, base, changes }
}

describe('Compactor', () => {
  it('C1: folds changes into an encoding on its worker: the same document, without the content the changes deleted', async () => {
    const { doc, base, changes } = history()
    const c = compactor()
    const encoded = await c.fold('room', base, changes)
    expect(c.folded).toBe(1)
    const folded = new Y.Doc()
    Y.applyUpdate(folded, encoded)
    expect(Y.encodeStateVector(folded)).toEqual(Y.encodeStateVector(doc))
    expect(folded.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON())
    expect(folded.getText('notes').toString()).toBe('kept')
    // As small as the document writes itself; merging keeps every overwritten value.
    expect(encoded.byteLength).toBe(Y.encodeStateAsUpdate(doc).byteLength)
    expect(Y.mergeUpdates([base, ...changes]).byteLength).toBeGreaterThan(encoded.byteLength * 3)
  })

  it('C2: changes that cannot integrate are refused with a reason, and the worker goes on folding', async () => {
    const { doc, base, changes } = history()
    const c = compactor()
    // Without the first change, the later ones wait for it forever: folding them would lose them.
    await expect(c.fold('room', base, changes.slice(1))).rejects.toThrow(/do not integrate/)
    const encoded = await c.fold('room', base, changes)
    const folded = new Y.Doc()
    Y.applyUpdate(folded, encoded)
    expect(folded.getMap('records').toJSON()).toEqual(doc.getMap('records').toJSON())
    expect(c.folded).toBe(1)
  })

  it('C3: jobs are answered in order, and those in hand when it closes are finished on the main thread', async () => {
    const { base, changes } = history()
    const c = compactor()
    const results = Array.from({ length: 6 }, (_, i) => c.fold('room', base, changes.slice(0, (i + 1) * 30)))
    await c.close()
    const sizes = (await Promise.all(results)).map((encoded) => {
      const folded = new Y.Doc()
      Y.applyUpdate(folded, encoded)
      return (folded.getMap('records').get('shape0') as { x: number }).x
    })
    expect(sizes).toEqual([20, 40, 80, 100, 140, 160])
  })

  it.runIf(existsSync('/proc/self/task'))('C4: the worker folds at a lower priority than the event loop (nice 10 on Linux)', async () => {
    const niceOfThreads = () =>
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
        // Field 19 of proc(5): after the command name, field 3 is the state, so nice is the 17th.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
      })
    const before = niceOfThreads().filter((nice) => nice === 10).length
    const c = compactor()
    const { base, changes } = history()
    await c.fold('room', base, changes)
    expect(niceOfThreads().filter((nice) => nice === 10).length).toBe(before + 1)
    // The event loop's own thread keeps its priority.
    expect(niceOfThreads()[0]).toBe(0)
  })
})
