// Every README example marked `<!-- tested: name -->` is bundled from the README text itself (imports of
// this package pointed at the sources), then its POST handler gets one signed and one forged request.
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { signSync } from '@ledgerly/webhooks'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'

type Post = (request: Request) => Promise<Response>

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const EXAMPLE = /<!-- tested: ([\w-]+) -->\n```ts\n([\s\S]*?)\n```/g
const examples = new Map([...readme.matchAll(EXAMPLE)].map((match) => [match[1]!, match[2]!]))
const SECRET = 'readme-secret'

async function loadExample(name: string): Promise<Post> {
  const source = examples.get(name)
  if (!source) throw new Error(`README example "${name}" not found`)
  const outfile = `${root}.tmp/readme-${name}.mjs`
  await build({
    stdin: {
      contents: source.replaceAll("'@ledgerly/webhooks-edge'", `'${root}src/index.ts'`),
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
  return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)).POST
}

function request(secret: string, id = 'readme-1'): Request {
  const body = JSON.stringify({ event: 'entry_persisted', data: { id } })
  const headers = { 'content-type': 'application/json', ...signSync(body, { secret }) }
  return new Request('https://example.test/api/webhooks', { method: 'POST', headers, body })
}

beforeAll(() => {
  mkdirSync(`${root}.tmp`, { recursive: true })
  process.env.LEDGERLY_WEBHOOK_SECRET = SECRET
})

describe('README examples', () => {
  it('finds the three marked examples', () => {
    expect([...examples.keys()]).toEqual(['quick-start', 'verify-request', 'idempotency'])
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

  it('idempotency: the same event twice → the second is a 200 duplicate with an empty body', async () => {
    const POST = await loadExample('idempotency')
    expect((await POST(request(SECRET, 'readme-2'))).status).toBe(200)
    const again = await POST(request(SECRET, 'readme-2'))
    expect(again.status).toBe(200)
    expect(await again.text()).toBe('')
  })
})
