import { signedHeaders } from '@ledgerly/webhooks/testing'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, test } from 'vitest'
import { post, type Receiver, startReceiver } from './helpers/receivers.js'

// Issue 5: 50 concurrent deliveries of one event spread over 4 Node processes sharing one real Redis.
const redisUrl = inject('redisUrl')
const secret = 'multi-process-secret'
const prefix = `mp:${Date.now()}:`
const redis = new Redis(redisUrl)
const receivers: Receiver[] = []

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()))
  redis.disconnect()
})

/** A delivery as the sender makes it: freshly signed, with its own (unsigned) delivery id. */
function delivery(body: string, index: number): Record<string, string> {
  return {
    ...signedHeaders({ payload: body, secret }),
    'x-ledgerly-delivery': `delivery-${index}`,
    'x-ledgerly-attempt': '1',
  }
}

describe('4 receiver processes sharing Redis', () => {
  test('50 concurrent deliveries of one event → handler runs exactly once; every answer is 200 or 503', async () => {
    for (let index = 0; index < 4; index++) {
      receivers.push(
        await startReceiver({
          name: `receiver-${index}`,
          redisUrl,
          secret,
          prefix,
          leaseMs: 10_000,
          handlerMs: 300,
        }),
      )
    }
    const id = `entry_mp_${Date.now()}`
    const body = JSON.stringify({ event: 'entry_persisted', data: { id, action: 'invoice.paid' } })
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) => post(receivers[index % 4]!.url, body, delivery(body, index))),
    )

    expect(
      answers.map((answer) => answer.status).filter((status) => status !== 200 && status !== 503),
    ).toEqual([])
    expect(answers.filter((answer) => answer.outcome === 'handled')).toHaveLength(1)
    // The race really happened: deliveries arrived while the one handler was still running.
    expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(0)
    for (const answer of answers.filter((each) => each.status === 503)) {
      expect(answer).toMatchObject({ outcome: 'in-progress', retryAfter: '10' })
    }
    // Every process answered some of them: the race really spanned processes.
    expect(new Set(answers.map((answer) => answer.receiver)).size).toBe(4)
    expect(await redis.get(`${prefix}runs:${id}`)).toBe('1')
    expect(await redis.get(`${prefix}completed:${id}`)).toBe('1')

    // The sender retries the 503s later: now every one is a 200 duplicate and nothing runs again.
    const retries = await Promise.all(
      answers.map((_, index) => post(receivers[index % 4]!.url, body, delivery(body, 100 + index))),
    )
    expect(retries.every((answer) => answer.status === 200 && answer.outcome === 'duplicate')).toBe(true)
    expect(await redis.get(`${prefix}runs:${id}`)).toBe('1')
  })
})
