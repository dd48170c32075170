// Every README example marked `<!-- tested: name -->` is bundled from the README text itself (imports of
// this package pointed at the sources), then its POST handler gets one signed and one forged request.
import { fileURLToPath } from 'node:url'
import { readmeExamples } from '@ledgerly/test-support/readme'
import { signSync } from '@ledgerly/webhooks'
import { beforeAll, describe, expect, it } from 'vitest'

type Post = (request: Request) => Promise<Response>

const readme = readmeExamples({
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  packageName: '@ledgerly/webhooks-edge',
})
const SECRET = 'readme-secret'

function loadExample(name: string): Promise<Post> {
  return readme.load<Post>(name, 'POST')
}

function request(secret: string, id = 'readme-1'): Request {
  const body = JSON.stringify({ event: 'entry_persisted', data: { id } })
  const headers = { 'content-type': 'application/json', ...signSync(body, { secret }) }
  return new Request('https://example.test/api/webhooks', { method: 'POST', headers, body })
}

beforeAll(() => {
  process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
})

describe('README examples', () => {
  it('finds the three marked examples', () => {
    expect(readme.names).toEqual(['quick-start', 'verify-request', 'idempotency'])
  })

  it.each([
    ['quick-start', { received: 'readme-1' }],
    ['verify-request', { received: 'readme-1' }],
    ['idempotency', { handled: 'readme-1' }],
  ])('%s: signed → 200, forged → 401 SIGNATURE_MISMATCH', async (name, json) => {
    const POST = await loadExample(name)
    const signed = await POST(request(SECRET))
    expect(signed.status).toBe(200)
    expect(await signed.json()).toEqual(json)
    const forged = await POST(request('not-the-secret'))
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
  })

  it('idempotency: the same event twice → the second is 200 {"outcome":"duplicate"}', async () => {
    const POST = await loadExample('idempotency')
    expect((await POST(request(SECRET, 'readme-2'))).status).toBe(200)
    const again = await POST(request(SECRET, 'readme-2'))
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ outcome: 'duplicate' })
  })
})
