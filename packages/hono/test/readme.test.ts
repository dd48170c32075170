// Every README example marked `<!-- tested: name -->` is bundled from the README text itself (imports of
// this package pointed at the sources) and sent one signed and one forged request.
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { signSync } from '@ledgerly/webhooks'
import { build } from 'esbuild'
import type { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const EXAMPLE = /<!-- tested: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g
const examples = new Map([...readme.matchAll(EXAMPLE)].map((match) => [match[1]!, match[2]!]))
const SECRET = 'readme-secret'
const body = JSON.stringify({ event: 'entry_persisted', data: { id: 'readme-1' } })

async function loadExample(name: string): Promise<Hono> {
  const source = examples.get(name)
  if (!source) throw new Error(`README example "${name}" not found`)
  const outfile = `${root}.tmp/readme-${name}.mjs`
  await build({
    stdin: {
      contents: source.replaceAll("'@ledgerly/webhooks-hono'", `'${root}src/index.ts'`),
      loader: 'ts',
      resolveDir: root,
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  })
  return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)).app
}

function post(app: Hono, secret: string, payload = body): Promise<Response> {
  const body = payload
  const headers = { 'content-type': 'application/json', ...signSync(body, { secret }) }
  return Promise.resolve(app.request('/webhooks/ledgerly', { method: 'POST', headers, body }))
}

beforeAll(() => {
  mkdirSync(`${root}.tmp`, { recursive: true })
  process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
})

describe('README examples', () => {
  it('finds the three marked examples', () => {
    expect([...examples.keys()]).toEqual(['quick-start', 'options', 'idempotency'])
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

  it('idempotency: the same event twice → the second is a 200 duplicate with an empty body', async () => {
    const app = await loadExample('idempotency')
    const event = JSON.stringify({ event: 'entry_persisted', data: { id: 'readme-2' } })
    expect(await (await post(app, SECRET, event)).json()).toEqual({ handled: 'readme-2' })
    const again = await post(app, SECRET, event)
    expect(again.status).toBe(200)
    expect(await again.text()).toBe('')
  })
})
