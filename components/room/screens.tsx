import type { ReactNode } from 'react'

export function LoadingScreen({ label }: { label: string }) {
  return (
    <div className="screen" role="status">
      <div className="loading"><span className="spinner" />{label}</div>
    </div>
  )
}

/** A full-page message for a room that cannot be shown, with what the user can do next. */
export function MessageScreen({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="screen">
      <div className="card" role="alert">
        <h2>{title}</h2>
        <p className="card__sub" style={{ marginBottom: 0 }}>{children}</p>
        <div className="screen__actions">
          {actions ?? <a className="button" href="/">Go to the home page</a>}
        </div>
      </div>
    </div>
  )
}
