'use client'

import { useRoom } from '@/components/room/RoomContext'
import { DesignTab } from './DesignTab'
import { EstimatesTab } from './EstimatesTab'
import { NotesTab } from './NotesTab'
import { RequirementsTab } from './RequirementsTab'
import type { TabId } from './ScopePanel'

/** The contents of the scope panel's open tab. */
export function ScopeTabBody({ tab }: { tab: TabId }) {
  const { privateNotes } = useRoom()
  if (tab === 'requirements') return <RequirementsTab />
  if (tab === 'estimates') return <EstimatesTab />
  if (tab === 'design') return <DesignTab />
  return privateNotes ? <NotesTab notes={privateNotes} /> : null
}
