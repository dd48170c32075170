// Every README example marked `<!-- tested: name -->` is bundled from the README text itself (imports of
// this package pointed at the sources) and sent one signed and one forged request.
import { fileURLToPath } from 'node:url'
import { readmeExamples } from '@ledgerly/test-support/readme'
import { signSync } from '@ledgerly/webhooks'
import type { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'

const readme = readmeExamples({
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  packageName: '@ledgerly/webhooks-hono',
})
const SECRET = 'readme-secret'
const body = JSON.stringify({ event: 'entry_persisted', data: { id: 'readme-1' } })

function loadExample(name: string): Promise<Hono> {
  return readme.load<Hono>(name, 'app')
}

function post(app: Hono, secret: string, payload = body): Promise<Response> {
  const body = payload
  const headers = { 'content-type': 'application/json', ...signSync(body, { secret }) }
  return Promise.resolve(app.request('/webhooks/ledgerly', { method: 'POST', headers, body }))
}

beforeAll(() => {
  process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
})

describe('README examples', () => {
  it('finds the three marked examples', () => {
    expect(readme.names).toEqual(['quick-start', 'options', 'idempotency'])
  })

  it.each([
    ['quick-start', 204],
    ['options', 200],
    ['idempotency', 200],
  ])('%s: signed → %i, forged → 401 SIGNATURE_MISMATCH', async (name, status) => {
    const app = await loadExample(name)
    const signed = await post(app, SECRET)
    expect(signed.status).toBe(status)
    const forged = await post(app, 'not-the-secret')
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
  })

  it('idempotency: the same event twice → the second is 200 {"outcome":"duplicate"}', async () => {
    const app = await loadExample('idempotency')
    const event = JSON.stringify({ event: 'entry_persisted', data: { id: 'readme-2' } })
    expect(await (await post(app, SECRET, event)).json()).toEqual({ handled: 'readme-2' })
    const again = await post(app, SECRET, event)
    expect(again.status).toBe(200)
    expect(again.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await again.json()).toEqual({ outcome: 'duplicate' })
  })
})
