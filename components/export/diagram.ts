'use client'

import type { Editor, TLBinding, TLContent, TLRecord, TLShape, TLShapeId } from 'tldraw'

export interface ImageOptions {
  scale: 1 | 2 | 4
  background: boolean
  darkMode: boolean
  selectionOnly: boolean
}

export function shapesToExport(editor: Editor, selectionOnly: boolean): TLShapeId[] {
  const selected = editor.getSelectedShapeIds()
  return selectionOnly && selected.length > 0 ? selected : [...editor.getCurrentPageShapeIds()]
}

export async function diagramPng(editor: Editor, options: ImageOptions): Promise<Blob | null> {
  const ids = shapesToExport(editor, options.selectionOnly)
  if (ids.length === 0) return null
  const { blob } = await editor.toImage(ids, { format: 'png', scale: options.scale, background: options.background, darkMode: options.darkMode, padding: 32 })
  return blob
}

export async function diagramSvg(editor: Editor, options: Omit<ImageOptions, 'scale'>): Promise<string | null> {
  const ids = shapesToExport(editor, options.selectionOnly)
  if (ids.length === 0) return null
  const result = await editor.getSvgString(ids, { background: options.background, darkMode: options.darkMode, padding: 32 })
  return result?.svg ?? null
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}


/** Shapes, bindings and assets of a record set as tldraw content (it migrates and re-ids them). */
export function contentFromRecords(records: TLRecord[], schema: TLContent['schema']): TLContent {
  const shapes = records.filter((r): r is TLShape => r.typeName === 'shape')
  const ids = new Set(shapes.map((shape) => shape.id))
  return {
    schema,
    shapes,
    bindings: records.filter((r): r is TLBinding => r.typeName === 'binding'),
    assets: records.filter((r) => r.typeName === 'asset') as TLContent['assets'],
    rootShapeIds: shapes.filter((shape) => !ids.has(shape.parentId as TLShapeId)).map((shape) => shape.id),
  }
}

/** Puts content on the current page, replacing what is there when asked, as one undoable step. */
export function placeContent(editor: Editor, content: TLContent, mode: 'add' | 'replace'): void {
  editor.run(() => {
    if (mode === 'replace') editor.deleteShapes([...editor.getCurrentPageShapeIds()])
    editor.putContentOntoCurrentPage(content, { select: true, preservePosition: mode === 'replace' })
  })
  editor.zoomToFit()
}
