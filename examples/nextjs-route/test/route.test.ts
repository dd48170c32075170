import { readFileSync } from 'node:fs'
import { createSignedRequest } from '@ledgerly/webhooks/testing'
import { beforeAll, describe, expect, it, vi } from 'vitest'

const SECRET = 'example-next-secret'
const ENDPOINT = 'http://localhost:3000/api/webhooks'
const payload = {
  event: 'entry_persisted',
  data: { id: 'entry_next', action: 'user.created', severity: 'info' },
}

type Route = typeof import('../app/api/webhooks/route.js')
type Received = typeof import('../app/api/webhooks/received.js')

/** A fresh copy of the route and its store, as a new server process would load them. */
async function load(): Promise<{ route: Route; received: Received['received'] }> {
  vi.resetModules()
  const route = await import('../app/api/webhooks/route.js')
  const { received } = await import('../app/api/webhooks/received.js')
  return { route, received }
}

// What `next build` accepts from a route file: HTTP method handlers and route segment config.
const ROUTE_EXPORTS = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'dynamic',
  'dynamicParams',
  'revalidate',
  'fetchCache',
  'runtime',
  'preferredRegion',
  'maxDuration',
  'generateStaticParams',
])

describe('examples/nextjs-route: app/api/webhooks/route.ts', () => {
  it('README → shows route.ts verbatim', () => {
    const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8')
    expect(read('../README.md')).toContain(`\`\`\`ts\n${read('../app/api/webhooks/route.ts')}\`\`\`\n`)
  })

  it('route module → exports only route handlers and segment config (else next build fails)', async () => {
    process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
    vi.resetModules()
    const route = await import('../app/api/webhooks/route.js')
    expect(Object.keys(route).filter((name) => !ROUTE_EXPORTS.has(name))).toEqual([])
  })
})

describe('examples/nextjs-route without LEDGERLY_WEBHOOK_SECRET (next build, a misconfigured deploy)', () => {
  it('import → no throw; POST → 500 problem+json naming the variable, nothing received', async () => {
    delete process.env.LEDGERLY_WEBHOOK_SECRET
    const { route, received } = await load()
    const response = await route.POST(createSignedRequest({ url: ENDPOINT, payload, secret: SECRET }))
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const problem = await response.json()
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' })
    expect(problem.detail).toContain('LEDGERLY_WEBHOOK_SECRET')
    expect(received).toHaveLength(0)
  })
})

describe('examples/nextjs-route with LEDGERLY_WEBHOOK_SECRET', () => {
  let route: Route
  let received: Received['received']

  beforeAll(async () => {
    // Next.js reads the environment before the first request; so does this test.
    process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
    ;({ route, received } = await load())
  })

  it('POST with a signed request → 200 and the entry received', async () => {
    const response = await route.POST(createSignedRequest({ url: ENDPOINT, payload, secret: SECRET }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
    expect(received.map((entry) => entry.id)).toEqual(['entry_next'])
  })

  it('POST with a forged request → 401 SIGNATURE_MISMATCH, nothing received', async () => {
    const response = await route.POST(createSignedRequest({ url: ENDPOINT, payload, secret: 'forged' }))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
    expect(received).toHaveLength(1)
  })

  it('POST the same signed event again → 200 duplicate, handled once', async () => {
    const response = await route.POST(createSignedRequest({ url: ENDPOINT, payload, secret: SECRET }))
    expect(response.status).toBe(200)
    expect(received).toHaveLength(1)
  })
})
