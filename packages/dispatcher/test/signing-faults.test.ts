// A fault before the HTTP request (the clock, the job's body) can never succeed on a re-run: it must end the
// delivery visibly (a failed attempt, the `failure` hook), not vanish into the queue's onError.
import { afterEach, describe, expect, it } from 'vitest'
import { createSignedDispatcher, type DeliveryJob, memoryQueue } from '../src/index.js'
import { entryPayload, startServer, statuses } from './helpers/server.js'

const secret = 'signing-faults-secret'
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(now?: () => number) {
  const server = await startServer(statuses(200))
  cleanups.push(server.close)
  const faults: unknown[] = []
  const queue = memoryQueue({ onError: (error) => faults.push(error) })
  const dispatcher = createSignedDispatcher({ url: server.url, secret, queue, ...(now ? { now } : {}) })
  cleanups.push(() => dispatcher.close({ timeoutMs: 100 }))
  const seen: string[] = []
  dispatcher.on('attempt', ({ attempt }) => seen.push(`attempt ${attempt}`))
  dispatcher.on('failure', ({ attempt }) => seen.push(`failure ${attempt.attempt} ${attempt.error?.code}`))
  dispatcher.on('retry', () => seen.push('retry'))
  dispatcher.on('success', () => seen.push('success'))
  return { server, dispatcher, seen, faults }
}

describe('a fault before the request → a failed attempt and the failure hook, nothing sent', () => {
  it.each([
    ['returning NaN', () => Number.NaN, /"now" clock returned NaN/],
    ['in microseconds (Date.now() * 1000)', () => Date.now() * 1000, /"now" clock returned \d+/],
    ['returning 0 (1970)', () => 0, /"now" clock returned 0/],
    [
      'that throws',
      () => {
        throw new Error('clock down')
      },
      /"now" clock threw: clock down/,
    ],
  ])('now %s → SIGNING_ERROR, failed, drained, no queue fault', async (_label, now, message) => {
    const { server, dispatcher, seen, faults } = await setup(now)
    const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
    await dispatcher.drained()
    expect(seen).toEqual(['attempt 1', 'failure 1 SIGNING_ERROR'])
    const record = dispatcher.log.get(id)!
    expect(record.state).toBe('failed')
    expect(record.attempts).toHaveLength(1)
    expect(record.attempts[0]).toMatchObject({ attempt: 1, outcome: 'failed', signedAt: 0 })
    expect(record.attempts[0]!.error!.message).toMatch(message)
    expect(server.received).toHaveLength(0)
    expect(faults).toEqual([])
  })

  it('handleJob with a body holding a lone surrogate (a job from another producer) → SIGNING_ERROR, payload never echoed', async () => {
    const { server, dispatcher, seen } = await setup()
    const job: DeliveryJob = {
      id: 'dlv_foreign-1',
      deliveryId: 'dlv_foreign',
      event: 'entry_persisted',
      endpoint: new URL(server.url).href,
      body: '{"id":"private-entry-\uD800"}',
      attempt: 1,
      createdAt: Date.now(),
    }
    await expect(dispatcher.handleJob(job)).resolves.toBeUndefined()
    expect(seen).toEqual(['attempt 1', 'failure 1 SIGNING_ERROR'])
    const attempt = dispatcher.log.get('dlv_foreign')!.attempts[0]!
    expect(attempt.error!.message).toMatch(/lone surrogate/)
    expect(attempt.error!.message).not.toContain('private-entry')
    expect(server.received).toHaveLength(0)
  })

  it('a clock that recovers → only the attempts it could not sign fail; the next delivery goes out', async () => {
    let broken = true
    const { server, dispatcher, seen } = await setup(() => (broken ? Number.NaN : Date.now()))
    await dispatcher.dispatch(entryPayload('entry_a'), 'entry_persisted')
    await dispatcher.drained()
    broken = false
    await dispatcher.dispatch(entryPayload('entry_b'), 'entry_persisted')
    await dispatcher.drained()
    expect(seen).toEqual(['attempt 1', 'failure 1 SIGNING_ERROR', 'attempt 1', 'success'])
    expect(server.received).toHaveLength(1)
  })
})
