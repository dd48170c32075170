// Every README example marked `<!-- tested: name -->` is bundled from the README text itself and run
// against a real server, so the README cannot drift from what works.
import { fileURLToPath } from 'node:url'
import { readmeExamples } from '@ledgerly/test-support/readme'
import { signSync } from '@ledgerly/webhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post } from './helpers/client.js'
import { README_PRELUDE } from './helpers/readme-prelude.js'
import { listen, type RunningServer } from './helpers/servers.js'
import { entryBody, SECRET, signedHeaders } from './helpers/signing.js'

const readme = readmeExamples({
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  packageName: '@ledgerly/webhooks-express',
  // The three-line setup runs inside an app the README does not show; the prelude supplies it.
  prelude: README_PRELUDE,
})
const body = JSON.stringify({ event: 'entry_persisted', data: { id: 'readme-1' } })
/** Signed now, but with a secret the server does not hold: a forgery. */
const forged = () => ({ 'content-type': 'application/json', ...signSync(body, { secret: 'not-the-secret' }) })
const signedNow = (payload = body) => signedHeaders(payload, Math.floor(Date.now() / 1000))

/** Bundles one README example (imports of this package point at the sources) and returns its `app`. */
function loadExample(name: string): Promise<(req: never, res: never) => void> {
  return readme.load(name, 'app')
}

const servers: RunningServer[] = []
async function start(name: string): Promise<number> {
  const server = await listen(await loadExample(name))
  servers.push(server)
  return server.port
}

beforeAll(() => {
  process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
})
afterAll(async () => {
  for (const server of servers) await server.close()
})

describe('README examples', () => {
  it('finds the six marked examples', () => {
    expect(readme.names).toEqual([
      'three-lines',
      'quick-start',
      'with-json',
      'options',
      'idempotency',
      'custom-events',
    ])
  })

  it('three-lines: signed → 204, forged → 401', async () => {
    const port = await start('three-lines')
    expect((await post(port, { path: '/webhooks/ledgerly', headers: signedNow(), body })).status).toBe(204)
    expect((await post(port, { path: '/webhooks/ledgerly', headers: forged(), body })).json?.code).toBe(
      'SIGNATURE_MISMATCH',
    )
  })

  it('quick-start: signed → 204, forged → 401', async () => {
    const port = await start('quick-start')
    expect((await post(port, { path: '/webhooks/ledgerly', headers: signedNow(), body })).status).toBe(204)
    expect((await post(port, { path: '/webhooks/ledgerly', headers: forged(), body })).json?.code).toBe(
      'SIGNATURE_MISMATCH',
    )
  })

  it('with-json: both mountings verify, a 200 KiB body too (over express.raw’s 100 KiB default); forged → 401', async () => {
    const port = await start('with-json')
    const large = JSON.stringify({
      event: 'entry_persisted',
      data: { id: 'readme-large', pad: 'x'.repeat(200_000) },
    })
    for (const path of ['/webhooks/ledgerly', '/webhooks/ledgerly-raw']) {
      expect((await post(port, { path, headers: signedNow(), body })).json).toEqual({ received: 'readme-1' })
      expect((await post(port, { path, headers: signedNow(large), body: large })).json).toEqual({
        received: 'readme-large',
      })
      expect((await post(port, { path, headers: forged(), body })).status).toBe(401)
    }
  })

  it('options: signed with the first secret → secretIndex 0, forged → 401', async () => {
    const port = await start('options')
    expect((await post(port, { path: '/webhooks/ledgerly', headers: signedNow(), body })).json).toEqual({
      secretIndex: 0,
    })
    expect((await post(port, { path: '/webhooks/ledgerly', headers: forged(), body })).status).toBe(401)
  })

  it('idempotency: first → 204, again → 200 duplicate, forged → 401', async () => {
    const port = await start('idempotency')
    const payload = entryBody('readme-once')
    expect(
      (await post(port, { path: '/webhooks/ledgerly', headers: signedNow(payload), body: payload })).status,
    ).toBe(204)
    expect(
      (await post(port, { path: '/webhooks/ledgerly', headers: signedNow(payload), body: payload })).json,
    ).toEqual({ outcome: 'duplicate' })
    expect((await post(port, { path: '/webhooks/ledgerly', headers: forged(), body })).status).toBe(401)
  })

  it('custom-events: invoice_paid → its amount, entry_persisted → its action, forged → 401', async () => {
    const port = await start('custom-events')
    const invoice = JSON.stringify({ event: 'invoice_paid', data: { id: 'inv-1', amount: 4200 } })
    const entry = entryBody('readme-entry')
    const path = '/webhooks/ledgerly'
    expect((await post(port, { path, headers: signedNow(invoice), body: invoice })).json).toEqual({
      amount: 4200,
    })
    expect((await post(port, { path, headers: signedNow(entry), body: entry })).json).toEqual({
      action: 'invoice.paid',
    })
    expect((await post(port, { path, headers: forged(), body })).status).toBe(401)
  })
})
