import { createShapeId, DocumentRecordType, PageRecordType, TLDOCUMENT_ID, toRichText, type TLGeoShape, type TLPage, type TLRecord } from '@tldraw/tlschema'

const pageId = PageRecordType.createId('page')
const BASE_62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * The n-th integer fractional index ('a0'...'az', 'b10'...'bzz', 'c100'...), in order. tldraw
 * validates indexes: its head letter gives the number of digits that follow, and only a
 * fraction may follow them (with no trailing zero).
 */
export function benchIndex(n: number): TLGeoShape['index'] {
  let digits = ''
  do {
    digits = BASE_62[n % 62] + digits
    n = Math.floor(n / 62)
  } while (n > 0)
  return `${String.fromCharCode(96 + digits.length)}${digits}` as TLGeoShape['index']
}

/**
 * The n-th rectangle of a benchmark board, as tldraw 5 stores it, so boards are the size real
 * boards are: 100 to a row, 120 px apart, on the page every room starts with. Used by the
 * sync benchmarks (bench/board.ts) and by the bare tldraw page (components/bench), which must
 * hold the same records as the rooms they are compared with.
 */
export function benchGeoShape(n: number): TLGeoShape {
  return {
    id: createShapeId(`bench-${n}`),
    typeName: 'shape',
    type: 'geo',
    x: (n % 100) * 120,
    y: Math.floor(n / 100) * 120,
    rotation: 0,
    index: benchIndex(n),
    parentId: pageId,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      geo: 'rectangle',
      dash: 'draw',
      url: '',
      w: 100,
      h: 80,
      growY: 0,
      scale: 1,
      labelColor: 'black',
      color: 'black',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText(`service ${n}`),
    },
  }
}

/**
 * A room's tldraw records as a fresh room holds them (the document and the one page the
 * server seeds, lib/room-doc/seed.ts) with the first `shapes` rectangles of a benchmark board.
 */
export function benchBoardRecords(shapes: number): TLRecord[] {
  return [
    DocumentRecordType.create({ id: TLDOCUMENT_ID }),
    PageRecordType.create({ id: pageId, name: 'Page 1', index: 'a1' as TLPage['index'] }),
    ...Array.from({ length: shapes }, (_, n) => benchGeoShape(n)),
  ]
}
