import { createSignedRequest } from '@ledgerly/webhooks/testing'
import { beforeAll, describe, expect, it } from 'vitest'

const SECRET = 'example-next-secret'
const URL = 'http://localhost:3000/api/webhooks'
const payload = {
  event: 'entry_persisted',
  data: { id: 'entry_next', action: 'user.created', severity: 'info' },
}

let route: typeof import('../app/api/webhooks/route.js')

describe('examples/nextjs-route: app/api/webhooks/route.ts', () => {
  beforeAll(async () => {
    // Next.js reads the environment before it loads the module; so does this test.
    process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
    route = await import('../app/api/webhooks/route.js')
  })

  it('POST with a signed request → 200 and the entry received', async () => {
    const response = await route.POST(createSignedRequest({ url: URL, payload, secret: SECRET }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
    expect(route.received.map((entry) => entry.id)).toEqual(['entry_next'])
  })

  it('POST with a forged request → 401 SIGNATURE_MISMATCH, nothing received', async () => {
    const response = await route.POST(createSignedRequest({ url: URL, payload, secret: 'forged' }))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
    expect(route.received).toHaveLength(1)
  })

  it('POST the same signed event again → 200 duplicate, handled once', async () => {
    const response = await route.POST(createSignedRequest({ url: URL, payload, secret: SECRET }))
    expect(response.status).toBe(200)
    expect(route.received).toHaveLength(1)
  })
})
