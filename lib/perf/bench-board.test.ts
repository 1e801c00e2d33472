import { createTLSchema } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import { benchGeoShape, benchIndex } from './bench-board'

describe('benchmark boards', () => {
  it('builds shapes that pass tldraw validation (indexes included), in order', () => {
    const shapeType = createTLSchema().types.shape
    let previous = ''
    for (let n = 0; n < 10_000; n++) {
      const shape = benchGeoShape(n)
      expect(() => shapeType.validate(shape)).not.toThrow()
      expect(shape.index > previous).toBe(true)
      previous = shape.index
    }
  })

  it('counts indexes like numbers', () => {
    expect([0, 61, 62, 3843, 3844].map(benchIndex)).toEqual(['a0', 'az', 'b10', 'bzz', 'c100'])
  })

  it('builds distinct rectangles on the default page', () => {
    const a = benchGeoShape(0)
    const b = benchGeoShape(101)
    expect(a.id).not.toBe(b.id)
    expect(a.parentId).toBe('page:page')
    expect([b.x, b.y]).toEqual([120, 120])
  })
})
