'use client'

// The room's panels that load only once the editor has mounted (components/room/RoomWorkspace.tsx
// and components/scope/ScopePanel.tsx). Each of them is loaded through this one module, so
// that they form one chunk: loaded one by one, they came as three chunks that each carried its
// own copy of the interview's schemas (~25 KB of minified script, counted in the build).
export { ExportMenu } from '@/components/export/ExportMenu'
export { ScopeTabBody } from '@/components/scope/ScopeTabBody'
export { SessionBar } from '@/components/session/SessionBar'
