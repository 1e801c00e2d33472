'use client'

import { useState, type ChangeEvent } from 'react'
import { usePopover } from '@/components/usePopover'
import { parseTldrawJsonFile, serializeTldrawJsonBlob, type TLRecord } from 'tldraw'
import { useRoom } from '@/components/room/RoomContext'
import { renderReportMarkdown } from '@/lib/report/markdown'
import { getRoomMeta, RoomMetaKey } from '@/lib/room-doc'
import { exportRoom, importRoom, parseRoomExport } from '@/lib/room-export/room-export'
import { readRecord } from '@/lib/tldraw-binding'
import { privateNotesMarkdown } from '@/lib/room-doc/private-notes'
import { getRoomRecords } from '@/lib/room-doc/layout'
import { contentFromRecords, diagramPng, diagramSvg, download, placeContent, type ImageOptions } from './diagram'
import { fileSlug } from '@/lib/report/file-name'

type Notice = { tone: 'ok' | 'error'; text: string } | null

/** Export (every role) and import (interviewer) for the room's diagram and report. */
export function ExportMenu({ roomId, token }: { roomId: string; token: string }) {
  const { doc, editor, role, clock, privateNotes } = useRoom()
  const [withNotes, setWithNotes] = useState(false)
  const { open, setOpen, panel } = usePopover<HTMLDivElement>()
  const [options, setOptions] = useState<ImageOptions>({ scale: 2, background: true, darkMode: false, selectionOnly: false })
  const [importMode, setImportMode] = useState<'add' | 'replace'>('add')
  const [notice, setNotice] = useState<Notice>(null)
  const [busy, setBusy] = useState(false)
  const title = String(getRoomMeta(doc).get(RoomMetaKey.title) ?? 'diagram')
  const slug = fileSlug(title, 'diagram')


  const run = async (action: () => Promise<string | void>) => {
    setBusy(true)
    setNotice(null)
    try {
      const message = await action()
      if (message) setNotice({ tone: 'ok', text: message })
    } catch (error) {
      setNotice({ tone: 'error', text: error instanceof Error ? error.message : 'That did not work' })
    } finally {
      setBusy(false)
    }
  }
  const needEditor = () => {
    if (!editor) throw new Error('The canvas is still loading')
    return editor
  }
  const emptyBoard = () => new Error(options.selectionOnly ? 'Select something on the board first' : 'The board is empty')

  const png = () => run(async () => {
    const blob = await diagramPng(needEditor(), options)
    if (!blob) throw emptyBoard()
    download(blob, `${slug}.png`)
  })
  const svg = () => run(async () => {
    const text = await diagramSvg(needEditor(), options)
    if (!text) throw emptyBoard()
    download(new Blob([text], { type: 'image/svg+xml' }), `${slug}.svg`)
  })
  const copyPng = () => run(async () => {
    const blob = await diagramPng(needEditor(), options)
    if (!blob) throw emptyBoard()
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })])
    return 'PNG copied to the clipboard'
  })
  const copySvg = () => run(async () => {
    const text = await diagramSvg(needEditor(), options)
    if (!text) throw emptyBoard()
    await navigator.clipboard.writeText(text)
    return 'SVG copied to the clipboard'
  })
  const tldr = () => run(async () => download(await serializeTldrawJsonBlob(needEditor()), `${slug}.tldr`))
  const roomJson = () => run(async () => download(new Blob([JSON.stringify(exportRoom(doc), null, 2)], { type: 'application/json' }), `${slug}.room.json`))
  const markdown = () => run(async () => {
    const text = editor ? await diagramSvg(editor, { background: true, darkMode: false, selectionOnly: false }) : null
    const diagram = text ? `![Diagram](data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))})` : '_The board is empty._'
    const room = exportRoom(doc)
    const notes = withNotes && privateNotes ? privateNotesMarkdown(privateNotes, room.session.plan) : undefined
    download(new Blob([renderReportMarkdown(room, { at: clock.now(), diagram, ...(notes ? { privateNotes: notes } : {}) })], { type: 'text/markdown' }), `${slug}-report.md`)
  })

  const importFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    void run(async () => {
      const target = needEditor()
      if (file.size > 20 * 1024 * 1024) throw new Error('This file is larger than 20 MB')
      const text = await file.text()
      if (file.name.endsWith('.tldr')) {
        const parsed = parseTldrawJsonFile({ json: text, schema: target.store.schema })
        if (!parsed.ok) throw new Error('This .tldr file could not be read: it is damaged or from a newer tldraw')
        const records = parsed.value.allRecords()
        placeContent(target, contentFromRecords(records, target.store.schema.serialize()), importMode)
        return `Imported ${records.filter((r) => r.typeName === 'shape').length} shapes from ${file.name}`
      }
      const parsed = parseRoomExport(text)
      if (!parsed.ok) throw new Error(parsed.message)
      const current = [...getRoomRecords(doc).values()].flatMap((entry) => readRecord(entry) ?? [])
      importRoom(doc, parsed.data, current)
      placeContent(target, contentFromRecords(parsed.data.tldraw.records as unknown as TLRecord[], parsed.data.tldraw.schema as never), importMode)
      return `Imported the room from ${file.name}`
    })
  }

  const setOption = <K extends keyof ImageOptions>(key: K, value: ImageOptions[K]) => setOptions({ ...options, [key]: value })
  return (
    <div>
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)}>Export</button>
      {open && (
        <div className="popover popover--export" ref={panel} role="dialog" aria-label="Export">
          <h2>Export the diagram</h2>
          <div className="export-options">
            <label>Scale
              <select aria-label="PNG scale" value={options.scale} onChange={(e) => setOption('scale', Number(e.target.value) as ImageOptions['scale'])}>
                <option value={1}>1x</option><option value={2}>2x</option><option value={4}>4x</option>
              </select>
            </label>
            <label><input type="checkbox" checked={options.background} onChange={(e) => setOption('background', e.target.checked)} /> Background</label>
            <label><input type="checkbox" checked={options.darkMode} onChange={(e) => setOption('darkMode', e.target.checked)} /> Dark</label>
            <label><input type="checkbox" checked={options.selectionOnly} onChange={(e) => setOption('selectionOnly', e.target.checked)} /> Selection only</label>
          </div>
          <div className="export-grid">
            <button type="button" className="button button--small" disabled={busy} onClick={png}>Download PNG</button>
            <button type="button" className="button button--small" disabled={busy} onClick={svg}>Download SVG</button>
            <button type="button" className="button button--small" disabled={busy} onClick={copyPng}>Copy as PNG</button>
            <button type="button" className="button button--small" disabled={busy} onClick={copySvg}>Copy as SVG</button>
          </div>
          <h2>Files and report</h2>
          <div className="export-grid">
            <button type="button" className="button button--small" disabled={busy} onClick={tldr}>tldraw file (.tldr)</button>
            <button type="button" className="button button--small" disabled={busy} onClick={roomJson}>Room (JSON)</button>
            <button type="button" className="button button--small" disabled={busy} onClick={markdown}>Report (Markdown)</button>
            <a className="button button--small" href={`/r/${roomId}/report#token=${token}`} target="_blank" rel="noreferrer">Printable report</a>
          </div>
          {role === 'interviewer' && (
            <label className="export-options export-options--after"><input type="checkbox" checked={withNotes} onChange={(e) => setWithNotes(e.target.checked)} /> Include my private notes and scorecard in the Markdown report</label>
          )}
          {role === 'interviewer' && (
            <>
              <h2>Import</h2>
              <p>A .tldr file or a room JSON export. The room&apos;s requirements and session come with a room file.</p>
              <div className="export-options">
                <label><input type="radio" name="import-mode" checked={importMode === 'add'} onChange={() => setImportMode('add')} /> Add to this page</label>
                <label><input type="radio" name="import-mode" checked={importMode === 'replace'} onChange={() => setImportMode('replace')} /> Replace this page</label>
              </div>
              <label className="button button--small file-button">
                Choose a file…
                <input type="file" accept=".tldr,.json,application/json" onChange={importFile} aria-label="Import a .tldr or room JSON file" />
              </label>
            </>
          )}
          {notice && <p className={`notice notice--${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>{notice.text}</p>}
        </div>
      )}
    </div>
  )
}
