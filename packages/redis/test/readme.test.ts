import { readFileSync } from 'node:fs'
import { createVerifier, sign } from '@ledgerly/webhooks'
import { createSignedRequest } from '@ledgerly/webhooks/testing'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, test } from 'vitest'
import { redisStore } from '../src/index.js'

// Every README example is a file under test/examples, included verbatim in the README, type-checked with
// the package (`tsc -p`) and, but for quick-start.ts (a sketch around a declared webhook), run here.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const secret = 'readme-example-secret'
process.env.REDIS_URL = inject('redisUrl')
process.env.LEDGERLY_WEBHOOK_SECRET = secret

function example(name: string): string {
  return readFileSync(new URL(`./examples/${name}`, import.meta.url), 'utf8').trim()
}

// The examples declare `saveEntry` ("your code"); at run time a bare `saveEntry` resolves to this global.
const saved: unknown[] = []
Object.assign(globalThis, {
  saveEntry: async (entry: unknown) => {
    saved.push(entry)
  },
})

const ioredisExample = await import('./examples/receive-ioredis.js')
const nodeRedisExample = await import('./examples/receive-node-redis.js')

const side = new Redis(inject('redisUrl'))

afterAll(async () => {
  await nodeRedisExample.close()
  side.disconnect()
})

function request(id: string): Request {
  return createSignedRequest({
    url: 'http://localhost/webhooks',
    payload: { event: 'entry_persisted', data: { id, action: 'invoice.paid' } },
    secret,
  })
}

describe('README examples', () => {
  test.each(['quick-start.ts', 'receive-ioredis.ts', 'receive-node-redis.ts'])(
    'README contains examples/%s verbatim',
    (name) => {
      expect(readme).toContain(example(name))
    },
  )

  test('ioredis example: first delivery 200 and saved; the retry 200 without saving again; bad signature 401', async () => {
    const id = `entry_readme_${Date.now()}`
    expect((await ioredisExample.POST(request(id))).status).toBe(200)
    expect((await ioredisExample.POST(request(id))).status).toBe(200)
    expect(saved.filter((entry) => (entry as { id: string }).id === id)).toHaveLength(1)
    const forged = createSignedRequest({
      url: 'http://localhost/webhooks',
      payload: { event: 'x' },
      secret: 'wrong',
    })
    expect((await ioredisExample.POST(forged)).status).toBe(401)
  })

  test('ioredis example: another instance holds the event → 503 with Retry-After 30, nothing saved', async () => {
    const id = `entry_readme_busy_${Date.now()}`
    const otherInstance = redisStore({ client: side, prefix: 'billing:webhooks:' })
    expect(await otherInstance.claim(`ledgerly:entry_persisted:${id}`, 60_000)).toBe('claimed')
    const response = await ioredisExample.POST(request(id))
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('30')
    expect(saved.filter((entry) => (entry as { id: string }).id === id)).toHaveLength(0)
  })

  test('node-redis example: store claims once; both replay guards report the second sighting as a replay', async () => {
    const key = `readme:${Date.now()}`
    expect(await nodeRedisExample.store.claim(key, 60_000)).toBe('claimed')
    expect(await nodeRedisExample.store.claim(key, 60_000)).toBe('in-progress')
    const verifier = createVerifier({ secret })
    const body = JSON.stringify({ event: 'entry_persisted', data: { id: key } })
    const headers = await sign(body, { secret })
    const webhook = await verifier.verify({ payload: body, headers })
    expect(await nodeRedisExample.checkReplay(webhook)).toBe('fresh')
    expect(await nodeRedisExample.checkReplay(webhook)).toBe('replay')
    // Same prefix and store: the spelled-out guard shares the sightings.
    expect(await nodeRedisExample.checkReplayToo(webhook)).toBe('replay')
  })
})
