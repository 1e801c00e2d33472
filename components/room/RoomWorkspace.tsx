'use client'

import dynamic from 'next/dynamic'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useValue, type Editor } from 'tldraw'
import { RoomCanvas, type CanvasProblem } from '@/components/canvas/RoomCanvas'
import { ShareButton } from '@/components/share/SharePanel'
import { ScopePanel } from '@/components/scope/ScopePanel'
import { RoomContextProvider, type RoomContextValue } from './RoomContext'
import { usePrivateNotes } from './usePrivateNotes'
import { Logo } from '@/components/Logo'
import { colorForUser, presenceUserId, readParticipants, type Participant } from '@/lib/presence/presence'
import { localUserId } from '@/lib/people/local-name'
import { markEditable } from '@/lib/perf/marks'
import { getRoomMeta, RoomMetaKey } from '@/lib/room-doc'
import type { RoomAccessInfo } from '@/lib/rooms/access-info'
import { ConnectionStatus } from './ConnectionStatus'
import { PanelBoundary } from './PanelBoundary'
import { Participants } from './Participants'
import { LoadingScreen, MessageScreen } from './screens'
import { useOfflineShell } from './useOfflineShell'
import type { RoomConnection } from './useRoomConnection'

// The phase bar and the export menu (with the schemas of the interview, zod and the report)
// load when they first render, once the editor has mounted: the board does not wait for them.
// Until then each holds its place, so nothing moves when it arrives.
const SessionBar = dynamic(() => import('./later-panels').then((module) => module.SessionBar), {
  ssr: false,
  loading: () => <div className="session" aria-hidden="true" />,
})
const ExportMenu = dynamic(() => import('./later-panels').then((module) => module.ExportMenu), {
  ssr: false,
  loading: () => (
    <div>
      <button type="button" className="button" disabled>Export</button>
    </div>
  ),
})

const ROLE_LABEL = { interviewer: 'Interviewer', candidate: 'Candidate', reviewer: 'Review - read only' } as const

export function RoomWorkspace({
  roomId,
  token,
  access,
  name,
  connection,
}: {
  roomId: string
  token: string
  access: RoomAccessInfo
  name: string
  /** Opened by RoomApp, before this component's code has loaded; RoomApp shows a closed one. */
  connection: RoomConnection | null
}) {
  const [editor, setEditor] = useState<Editor | null>(null)
  const [problem, setProblem] = useState<CanvasProblem | null>(null)
  const [participants, setParticipants] = useState<Participant[]>([])
  const [title, setTitle] = useState('')
  const [panelOpen, setPanelOpen] = useState(true)
  const user = useMemo(() => {
    const userId = localUserId()
    return { userId, name, color: colorForUser(userId), role: access.role }
  }, [name, access.role])
  const doc = connection?.doc
  const awareness = connection?.provider.awareness

  useEffect(() => {
    if (!awareness) return
    const update = () => setParticipants(readParticipants(awareness))
    awareness.on('change', update)
    update()
    return () => awareness.off('change', update)
  }, [awareness])

  useEffect(() => {
    if (!doc) return
    const meta = getRoomMeta(doc)
    const update = () => setTitle(String(meta.get(RoomMetaKey.title) ?? ''))
    meta.observe(update)
    update()
    return () => meta.unobserve(update)
  }, [doc])

  useEffect(() => {
    document.title = title ? `${title} · Boxes & Arrows` : 'Interview room · Boxes & Arrows'
  }, [title])

  // The moment the board can be edited, for the browser benchmark (lib/perf/marks.ts): the
  // editor has mounted (the canvas mounts only once the document holds the room, and its
  // binding puts the room's records into the store before the editor mounts) and the
  // connection is live, whichever comes last. At the editor's mount itself, as on the bare
  // tldraw page, not at the re-render that follows it.
  const live = connection?.state.kind === 'live' && connection.ready
  const liveRef = useRef(live)
  liveRef.current = live // read by onEditor during the commit that mounts the editor
  useEffect(() => {
    if (live && editor) markEditable({ shapes: editor.getCurrentPageShapeIds().size })
  }, [live, editor])
  useOfflineShell(editor !== null)
  const onEditor = useCallback((mounted: Editor | null) => {
    setEditor(mounted)
    if (mounted && liveRef.current) markEditable({ shapes: mounted.getCurrentPageShapeIds().size })
  }, [])

  const privateNotes = usePrivateNotes(roomId, token, access.role === 'interviewer')
  const room: RoomContextValue | null = useMemo(
    () => (connection ? { doc: connection.doc, awareness: connection.provider.awareness, clock: connection.clock, user, role: access.role, editor, privateNotes } : null),
    [connection?.doc, connection?.provider, connection?.clock, user, access.role, editor, privateNotes], // eslint-disable-line react-hooks/exhaustive-deps
  )

  const followingUserId = useValue('following', () => editor?.getInstanceState().followingUserId ?? null, [editor])
  const follow = useCallback(
    (participant: Participant | null) => {
      if (!editor) return
      if (participant) editor.startFollowingUser(presenceUserId(participant.userId))
      else editor.stopFollowingUser()
    },
    [editor],
  )

  if (problem === 'client-outdated') {
    return (
      <MessageScreen title="A newer version is available" actions={<button className="button button--primary" onClick={() => window.location.reload()}>Reload</button>}>
        This room was saved by a newer version of Boxes &amp; Arrows. Reload the page to keep working in it.
      </MessageScreen>
    )
  }

  const ready = Boolean(room && connection?.ready)
  // The canvas first: the phase bar, the export menu and the scope panel's contents render with
  // the commit after the editor mounts, and only then is their code loaded. Their boxes are there
  // from the start, so nothing moves when they fill in. Editable room page / bare tldraw, empty
  // room: 1.35x -> 1.16x (bench scenario 7).
  const canvasFirst = editor === null && problem === null
  const workspace = (
    <div className="room" data-role={access.role}>
      <header className="topbar">
        <a href="/" aria-label="Boxes & Arrows home"><Logo /></a>
        <div className="topbar__title">
          <span className="topbar__name" data-testid="room-title">{title || 'Untitled interview'}</span>
          <span className={`topbar__role${access.role === 'reviewer' ? ' topbar__role--review' : ''}`}>{ROLE_LABEL[access.role]}</span>
        </div>
        <ConnectionStatus state={connection?.state ?? null} />
        <div className="topbar__spacer" />
        {awareness && (
          <Participants participants={participants} selfClientId={awareness.clientID} followingUserId={followingUserId} onFollow={follow} />
        )}
        <button type="button" className="button" aria-pressed={panelOpen} onClick={() => setPanelOpen(!panelOpen)}>
          {panelOpen ? 'Hide scope' : 'Show scope'}
        </button>
        {ready && !canvasFirst && (
          <PanelBoundary label="Export">
            <ExportMenu roomId={roomId} token={token} />
          </PanelBoundary>
        )}
        {access.links && <ShareButton links={access.links} roomId={roomId} token={token} />}
      </header>
      {room && ready ? (
        <>
          {canvasFirst ? (
            <div className="session" aria-hidden="true" />
          ) : (
            <PanelBoundary label="The phase bar" className="session">
              <SessionBar />
            </PanelBoundary>
          )}
          <div className="workspace">
            <main className="canvas">
              <RoomCanvas roomId={roomId} token={token} doc={room.doc} awareness={room.awareness} user={user} readOnly={access.role === 'reviewer'} onEditor={onEditor} onProblem={setProblem} />
            </main>
            {panelOpen && <ScopePanel onClose={() => setPanelOpen(false)} bodyLater={canvasFirst} />}
          </div>
        </>
      ) : (
        <main className="canvas">
          <LoadingScreen label="Loading the board…" />
        </main>
      )}
    </div>
  )
  // Always the same wrapper: switching wrappers would remount the page when the room loads.
  return <RoomContextProvider value={room}>{workspace}</RoomContextProvider>
}
