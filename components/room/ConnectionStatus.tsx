import type { ConnectionState } from './useRoomConnection'

function changes(count: number): string {
  return `${count} ${count === 1 ? 'change' : 'changes'}`
}

/** Says what is true about this device's changes: live and saved, saving, or kept offline. */
export function ConnectionStatus({ state }: { state: ConnectionState | null }) {
  let tone = 'connecting'
  let text = 'Connecting…'
  let detail = 'Opening a connection to the room'
  if (state?.kind === 'live') {
    tone = state.unsaved > 0 ? 'saving' : 'live'
    text = state.unsaved > 0 ? 'Live · Saving…' : 'Live · Saved'
    detail = state.unsaved > 0 ? `${changes(state.unsaved)} on the way to the server` : 'Every change is stored on the server'
  } else if (state?.kind === 'offline' || state?.kind === 'reconnecting') {
    tone = 'offline'
    const label = state.kind === 'offline' ? 'Offline' : 'Reconnecting'
    text = state.unsaved > 0 ? `${label} - ${changes(state.unsaved)} kept on this device` : `${label} - all changes saved`
    detail = 'Keep working: changes sync by themselves when the connection returns'
  } else if (state?.kind === 'closed') {
    tone = 'closed'
    text = 'Disconnected'
    detail = 'The server closed the connection'
  }
  return (
    <span className={`status status--${tone}`} role="status" aria-live="polite" title={detail} data-testid="connection-status">
      <span className="status__dot" aria-hidden="true" />
      {text}
    </span>
  )
}
