'use client'

import { presenceUserId, type Participant } from '@/lib/presence/presence'

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0]?.toUpperCase()).join('') || '?'
}

/** Who is in the room, with role badges; click someone to follow their view. */
export function Participants({
  participants,
  selfClientId,
  followingUserId,
  onFollow,
}: {
  participants: Participant[]
  selfClientId: number
  followingUserId: string | null
  onFollow(participant: Participant | null): void
}) {
  const sorted = [...participants].sort((a, b) => Number(b.clientId === selfClientId) - Number(a.clientId === selfClientId))
  return (
    <div className="people" aria-label="People in this room">
      {sorted.map((participant) => {
        const self = participant.clientId === selfClientId
        const following = followingUserId === presenceUserId(participant.userId)
        return (
          <button
            key={participant.clientId}
            type="button"
            className={`person${self ? ' person--me' : ''}`}
            aria-pressed={self ? undefined : following}
            disabled={self}
            title={self ? 'You' : following ? `Stop following ${participant.name}` : `Follow ${participant.name}'s view`}
            onClick={() => onFollow(following ? null : participant)}
            data-testid="participant"
          >
            <span className="avatar" style={{ background: participant.color }} aria-hidden="true">{initials(participant.name)}</span>
            <span>{self ? `${participant.name} (you)` : participant.name}</span>
            <span className={`badge badge--${participant.role}`}>{participant.role}</span>
          </button>
        )
      })}
    </div>
  )
}
