import { describe, expect, it } from 'vitest'
import { RoomLinks } from './api'
import { readRoomAccessInfo } from './access-info'

const links = { interviewer: 'https://boxes.example/r/a#token=i', candidate: 'https://boxes.example/r/a#token=c', reviewer: 'https://boxes.example/r/a#token=r' }

describe('readRoomAccessInfo', () => {
  it('reads what the access route answers, for every role', () => {
    expect(readRoomAccessInfo({ roomId: 'a', role: 'candidate' })).toEqual({ roomId: 'a', role: 'candidate' })
    expect(readRoomAccessInfo({ roomId: 'a', role: 'reviewer' })).toEqual({ roomId: 'a', role: 'reviewer' })
    expect(readRoomAccessInfo({ roomId: 'a', role: 'interviewer', links })).toEqual({ roomId: 'a', role: 'interviewer', links })
  })

  it('reads an answer cached on this device by the zod-based check it replaced', () => {
    // What that check stored: the parsed answer, JSON-encoded into localStorage.
    const cached = JSON.stringify({ roomId: 'a', role: 'interviewer', links })
    expect(readRoomAccessInfo(JSON.parse(cached))).toEqual({ roomId: 'a', role: 'interviewer', links })
  })

  it('drops fields it does not know', () => {
    expect(readRoomAccessInfo({ roomId: 'a', role: 'candidate', admin: true })).toEqual({ roomId: 'a', role: 'candidate' })
    expect(readRoomAccessInfo({ roomId: 'a', role: 'interviewer', links: { ...links, owner: 'x' } })?.links).toEqual(links)
  })

  it.each([
    ['null', null],
    ['a string', 'granted'],
    ['an array', [{ roomId: 'a', role: 'candidate' }]],
    ['no room id', { role: 'candidate' }],
    ['a numeric room id', { roomId: 1, role: 'candidate' }],
    ['an unknown role', { roomId: 'a', role: 'admin' }],
    ['no role', { roomId: 'a' }],
    ['links that are not an object', { roomId: 'a', role: 'interviewer', links: 'x' }],
    ['a missing link', { roomId: 'a', role: 'interviewer', links: { interviewer: links.interviewer, candidate: links.candidate } }],
    ['a link that is not a URL', { roomId: 'a', role: 'interviewer', links: { ...links, reviewer: 'not a url' } }],
    ['null links', { roomId: 'a', role: 'interviewer', links: null }],
  ])('refuses %s', (_, value) => {
    expect(readRoomAccessInfo(value)).toBeNull()
  })

  it('accepts the links that the API schema accepts, and refuses the ones it refuses', () => {
    for (const candidate of [links, { ...links, reviewer: 'not a url' }, { ...links, candidate: 42 }, { interviewer: links.interviewer }]) {
      const ours = readRoomAccessInfo({ roomId: 'a', role: 'interviewer', links: candidate }) !== null
      expect(ours, JSON.stringify(candidate)).toBe(RoomLinks.safeParse(candidate).success)
    }
  })
})
