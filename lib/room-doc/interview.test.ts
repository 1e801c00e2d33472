import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_PLAN, startTimer } from '../session'
import {
  addFunctional,
  estimateText,
  moveItem,
  readFunctional,
  readNonFunctional,
  readPlan,
  readTimer,
  seedInterview,
  setRequirementStatus,
  updateTimer,
} from './interview'

function pair() {
  const a = new Y.Doc()
  seedInterview(a)
  const b = new Y.Doc()
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  const exchange = () => {
    const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b))
    const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
    Y.applyUpdate(b, toB)
    Y.applyUpdate(a, toA)
  }
  return { a, b, exchange }
}

describe('interview document', () => {
  it('I1: seeding gives the default plan, an idle timer, one row per quality and a text per estimate; seeding again changes nothing', () => {
    const { a } = pair()
    expect(readPlan(a)).toEqual(DEFAULT_PLAN)
    expect(readTimer(a).status).toBe('not-started')
    expect(readNonFunctional(a).map((row) => row.category)).toEqual(['consistency', 'scale', 'latency', 'durability', 'security', 'fault-tolerance'])
    expect(estimateText(a, 'dailyActiveUsers')).toBeInstanceOf(Y.Text)
    let updates = 0
    a.on('update', () => (updates += 1))
    seedInterview(a)
    expect(updates).toBe(0)
  })

  it('I2: only the interviewer agrees; the agreement records who and when, on both sides', () => {
    const { a, b, exchange } = pair()
    const id = addFunctional(b, 'Cora', 'Users shorten a URL')
    exchange()
    expect(setRequirementStatus(b, 'functional', id, 'agreed', { name: 'Cora', role: 'candidate' }, 1000)).toMatch(/interviewer/)
    expect(setRequirementStatus(a, 'functional', id, 'agreed', { name: 'Ivy', role: 'interviewer' }, 2000)).toBeNull()
    exchange()
    const [item] = readFunctional(b)
    expect(item).toMatchObject({ status: 'agreed', decidedBy: 'Ivy', decidedAt: 2000, proposedBy: 'Cora' })
    expect(item?.text.toString()).toBe('Users shorten a URL')
  })

  it('I3: two people typing in one requirement at once both keep their words', () => {
    const { a, b, exchange } = pair()
    const id = addFunctional(a, 'Ivy', 'Users shorten URLs')
    exchange()
    readFunctional(a).find((r) => r.id === id)?.text.insert(0, 'All ')
    const theirs = readFunctional(b).find((r) => r.id === id)?.text
    theirs?.insert(theirs.length, ' quickly')
    exchange()
    expect(readFunctional(a)[0]?.text.toString()).toBe('All Users shorten URLs quickly')
    expect(readFunctional(b)[0]?.text.toString()).toBe('All Users shorten URLs quickly')
  })

  it('I4: moving a requirement reorders it without touching its text', () => {
    const { a } = pair()
    const first = addFunctional(a, 'Ivy', 'one')
    addFunctional(a, 'Ivy', 'two')
    addFunctional(a, 'Ivy', 'three')
    moveItem(a, 'functional', first, 1)
    expect(readFunctional(a).map((r) => r.text.toString())).toEqual(['two', 'one', 'three'])
    moveItem(a, 'functional', first, 1)
    expect(readFunctional(a).map((r) => r.text.toString())).toEqual(['two', 'three', 'one'])
    moveItem(a, 'functional', first, 1)
    expect(readFunctional(a).map((r) => r.text.toString())).toEqual(['two', 'three', 'one'])
  })

  it('I5: the timer is one shared value; a started timer reads the same on both sides', () => {
    const { a, b, exchange } = pair()
    updateTimer(a, (timer) => startTimer(timer, 5000))
    exchange()
    expect(readTimer(b)).toEqual(readTimer(a))
    expect(readTimer(b).status).toBe('running')
  })
})
