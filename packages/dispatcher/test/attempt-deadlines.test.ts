import { describe, expect, it } from 'vitest'
import { createAttemptDeadlines } from '../src/attempt-deadlines.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createAttemptDeadlines', () => {
  it('three attempts, none stopped → each expires once, in start order', async () => {
    const deadlines = createAttemptDeadlines(20)
    const expired: string[] = []
    for (const name of ['a', 'b', 'c']) deadlines.start(() => expired.push(name))
    await sleep(80)
    expect(expired).toEqual(['a', 'b', 'c'])
  })

  it('the oldest attempt stopped → only the others expire', async () => {
    const deadlines = createAttemptDeadlines(20)
    const expired: string[] = []
    const first = deadlines.start(() => expired.push('first'))
    deadlines.start(() => expired.push('second'))
    deadlines.stop(first)
    await sleep(80)
    expect(expired).toEqual(['second'])
  })

  it('a middle attempt stopped → the list stays linked, the rest expire', async () => {
    const deadlines = createAttemptDeadlines(20)
    const expired: string[] = []
    deadlines.start(() => expired.push('a'))
    const b = deadlines.start(() => expired.push('b'))
    deadlines.start(() => expired.push('c'))
    deadlines.stop(b)
    await sleep(80)
    expect(expired).toEqual(['a', 'c'])
  })

  it('stop twice, or after expiry → no error, nothing expires twice', async () => {
    const deadlines = createAttemptDeadlines(10)
    let count = 0
    const entry = deadlines.start(() => count++)
    await sleep(50)
    deadlines.stop(entry)
    deadlines.stop(entry)
    const other = deadlines.start(() => count++)
    deadlines.stop(other)
    deadlines.stop(other)
    await sleep(50)
    expect(count).toBe(1)
  })

  it('attempts started after an idle period → still expire (the kept timer re-arms)', async () => {
    const deadlines = createAttemptDeadlines(30)
    const expired: string[] = []
    deadlines.stop(deadlines.start(() => expired.push('stopped')))
    await sleep(5)
    deadlines.start(() => expired.push('late'))
    await sleep(120)
    expect(expired).toEqual(['late'])
  })

  it('nothing in flight → the timer does not hold the process open', async () => {
    const deadlines = createAttemptDeadlines(60_000)
    const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length
    const entry = deadlines.start(() => {})
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before + 1)
    deadlines.stop(entry)
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before)
  })
})
