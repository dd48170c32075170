import { signedHeaders } from '@ledgerly/webhooks/testing'
import { Redis } from 'ioredis'
import { afterAll, expect, inject, test } from 'vitest'
import { post, type Receiver, startReceiver } from './helpers/receivers.js'

// Issue 5: a handler process killed mid-handler leaves a lease that expires; the retry is processed.
const redisUrl = inject('redisUrl')
const secret = 'crash-secret'
const prefix = `crash:${Date.now()}:`
const redis = new Redis(redisUrl)
const started: Receiver[] = []

afterAll(async () => {
  await Promise.all(started.map((receiver) => receiver.stop()))
  redis.disconnect()
})

async function waitFor(check: () => Promise<boolean>, what: string, deadlineMs = 15_000): Promise<void> {
  const stop = Date.now() + deadlineMs
  while (!(await check())) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('handler process SIGKILLed mid-handler → 503 while the lease lasts, then the retry is handled', async () => {
  const leaseMs = 3_000
  const hanging = await startReceiver({
    name: 'hanging',
    redisUrl,
    secret,
    prefix,
    leaseMs,
    handlerMs: 600_000,
  })
  const healthy = await startReceiver({ name: 'healthy', redisUrl, secret, prefix, leaseMs, handlerMs: 0 })
  started.push(hanging, healthy)
  const id = `entry_crash_${Date.now()}`
  const body = JSON.stringify({ event: 'entry_persisted', data: { id, action: 'invoice.paid' } })

  const first = post(hanging.url, body, signedHeaders({ payload: body, secret })).catch(
    (error: Error) => error,
  )
  await waitFor(async () => (await redis.get(`${prefix}runs:${id}`)) === '1', 'the first handler to start')
  const killedAt = Date.now()
  await hanging.stop()
  expect(hanging.child.signalCode).toBe('SIGKILL')
  expect(await first).toBeInstanceOf(Error) // the sender saw a dropped connection and will retry

  // The dead process still holds the lease: a retry now must not run the handler a second time yet.
  const early = await post(healthy.url, body, signedHeaders({ payload: body, secret }))
  expect(Date.now() - killedAt).toBeLessThan(leaseMs)
  expect(early).toMatchObject({ status: 503, outcome: 'in-progress', retryAfter: '3' })

  // Once the lease expires, the sender's retry is processed by the healthy process.
  let last = early
  await waitFor(async () => {
    last = await post(healthy.url, body, signedHeaders({ payload: body, secret }))
    return last.status !== 503
  }, 'the lease to expire')
  expect(last).toMatchObject({ status: 200, outcome: 'handled', receiver: 'healthy' })
  expect(await redis.get(`${prefix}runs:${id}`)).toBe('2')
  expect(await redis.get(`${prefix}completed:${id}`)).toBe('1')

  const later = await post(healthy.url, body, signedHeaders({ payload: body, secret }))
  expect(later).toMatchObject({ status: 200, outcome: 'duplicate' })
})
