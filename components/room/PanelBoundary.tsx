'use client'

import { Component, type ReactNode } from 'react'

interface Props {
  /** What failed, as the notice names it: "The phase bar". */
  label: string
  /** The class of the box the notice sits in, to keep the panel's place. */
  className?: string
  children: ReactNode
}

/**
 * A panel whose code is loaded after the board (later-panels.ts) shows a notice with a reload
 * button if that code cannot be loaded (offline before the offline copy kept it, or a deploy
 * that replaced it) or throws, instead of taking the board down with it.
 */
export class PanelBoundary extends Component<Props, { failed: boolean }> {
  state = { failed: false }

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true }
  }

  componentDidCatch(error: unknown): void {
    console.warn(`${this.props.label} did not load:`, error)
  }

  render(): ReactNode {
    if (!this.state.failed) return this.props.children
    return (
      <div className={this.props.className} role="alert">
        <span className="panel-failed">
          {this.props.label} did not load.{' '}
          <button type="button" className="link-button" onClick={() => window.location.reload()}>Reload</button>
        </span>
      </div>
    )
  }
}
