import { createVerifier, sign } from '@ledgerly/webhooks'
import { createReplayGuard, idempotencyKey, runOnce } from '@ledgerly/webhooks/idempotency'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, test } from 'vitest'
import { redisReplayGuard, redisStore } from '../src/index.js'

// bad-inputs.md section F, item by item, against a real Redis (the memoryStore run is in packages/core).
const client = new Redis(inject('redisUrl'))
const prefix = `f:${Date.now()}:`
const store = redisStore({ client, prefix })
const secret = 'section-f-secret'
const T = Math.floor(Date.now() / 1000)
const verifier = createVerifier({ secret })

afterAll(() => {
  client.disconnect()
})

function entryBody(id: string): string {
  return JSON.stringify({ event: 'entry_persisted', data: { id: `${prefix}${id}`, action: 'invoice.paid' } })
}

async function deliver(body: string, timestamp = T, extra: Record<string, string> = {}) {
  const headers = { ...(await sign(body, { secret, timestamp })), 'x-ledgerly-delivery': 'd-1', ...extra }
  return { webhook: await verifier.verify({ payload: body, headers }), headers }
}

describe('bad-inputs F31: the same request twice inside the window (Redis)', () => {
  test('runOnce → handled then duplicate; redisReplayGuard → fresh then replay', async () => {
    const body = entryBody('f31')
    const { webhook, headers } = await deliver(body)
    const again = await verifier.verify({ payload: body, headers })
    let runs = 0
    expect((await runOnce(webhook, { store }, () => ++runs)).outcome).toBe('handled')
    expect((await runOnce(again, { store }, () => ++runs)).outcome).toBe('duplicate')
    expect(runs).toBe(1)
    const check = redisReplayGuard({ client, prefix: `${prefix}replay:` })
    expect(await check(webhook)).toBe('fresh')
    expect(await check(again)).toBe('replay')
    // A second instance sharing the Redis sees the replay too.
    expect(await redisReplayGuard({ client, prefix: `${prefix}replay:` })(again)).toBe('replay')
  })

  test('redisReplayGuard with the default prefix → keys ledgerly:webhooks:replay:<scheme>:…, "replay:" once', async () => {
    const { webhook } = await deliver(entryBody('f31-default-prefix'))
    expect(await redisReplayGuard({ client })(webhook)).toBe('fresh')
    const keys = await client.keys('ledgerly:webhooks:replay:*')
    try {
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) expect(key).toMatch(/^ledgerly:webhooks:replay:ledgerly:[^:]+$/)
    } finally {
      if (keys.length > 0) await client.del(...keys)
    }
  })
})

describe('bad-inputs F32: the same event id re-sent later with a fresh t and signature (Redis)', () => {
  test('done → duplicate (200 no-op)', async () => {
    const body = entryBody('f32-done')
    let runs = 0
    await runOnce((await deliver(body, T)).webhook, { store }, () => ++runs)
    expect(await runOnce((await deliver(body, T + 10)).webhook, { store }, () => ++runs)).toEqual({
      outcome: 'duplicate',
    })
    expect(runs).toBe(1)
  })

  test('first attempt failed → the retry is processed', async () => {
    const body = entryBody('f32-failed')
    await expect(
      runOnce((await deliver(body, T)).webhook, { store }, () => Promise.reject(new Error('downstream'))),
    ).rejects.toThrow('downstream')
    expect(await runOnce((await deliver(body, T + 10)).webhook, { store }, () => 'ok')).toEqual({
      outcome: 'handled',
      value: 'ok',
    })
  })

  test('the Redis replay guard lets the re-signed retry through', async () => {
    const check = createReplayGuard({ store: redisStore({ client, prefix: `${prefix}replay32:` }) })
    const body = entryBody('f32-guard')
    expect(await check((await deliver(body, T)).webhook)).toBe('fresh')
    expect(await check((await deliver(body, T + 10)).webhook)).toBe('fresh')
  })
})

describe('bad-inputs F33: N concurrent deliveries of one event (Redis)', () => {
  test('50 concurrent deliveries over 5 connections → handler runs once', async () => {
    const connections = Array.from({ length: 5 }, () => new Redis(inject('redisUrl')))
    try {
      const body = entryBody('f33')
      const deliveries = await Promise.all(Array.from({ length: 50 }, (_, index) => deliver(body, T + index)))
      let runs = 0
      const results = await Promise.all(
        deliveries.map(({ webhook }, index) =>
          runOnce(webhook, { store: redisStore({ client: connections[index % 5]!, prefix }) }, async () => {
            runs += 1
            await new Promise((resolve) => setTimeout(resolve, 100))
          }),
        ),
      )
      expect(runs).toBe(1)
      expect(results.filter((result) => result.outcome === 'handled')).toHaveLength(1)
      expect(results.filter((result) => result.outcome === 'in-progress')).toHaveLength(49)
    } finally {
      for (const connection of connections) connection.disconnect()
    }
  })
})

describe('bad-inputs F34: changing an unsigned header does not dodge dedupe (Redis)', () => {
  test('X-Ledgerly-Delivery changed → same key, duplicate', async () => {
    const body = entryBody('f34')
    const original = await deliver(body, T)
    const altered = await deliver(body, T + 5, {
      'x-ledgerly-delivery': 'brand-new',
      'x-ledgerly-event': 'other',
    })
    expect(idempotencyKey(altered.webhook)).toBe(idempotencyKey(original.webhook))
    let runs = 0
    await runOnce(original.webhook, { store }, () => ++runs)
    expect(await runOnce(altered.webhook, { store }, () => ++runs)).toEqual({ outcome: 'duplicate' })
    expect(runs).toBe(1)
  })
})
