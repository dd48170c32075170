import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { signedHeaders } from '@ledgerly/webhooks/testing'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SECRET = 'example-worker-secret'
const BODY = JSON.stringify({
  event: 'entry_persisted',
  data: { id: 'entry_cf', action: 'invoice.sent', severity: 'info' },
})

function workerdBinary(): string {
  const path = join(dirname(createRequire(import.meta.url).resolve('workerd/package.json')), 'bin', 'workerd')
  if (!existsSync(path)) throw new Error(`workerd binary missing at ${path}: run pnpm install`)
  return path
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('examples/cloudflare-worker in workerd', () => {
  let child: ChildProcess
  let url: string
  let output = ''

  beforeAll(async () => {
    // The same bundle `pnpm build` makes, then workerd with the example's own config.
    await build({
      entryPoints: [join(root, 'src/worker.ts')],
      outfile: join(root, 'dist/worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'silent',
    })
    const port = await freePort()
    url = `http://127.0.0.1:${port}/`
    child = spawn(workerdBinary(), ['serve', 'workerd.capnp', '--socket-addr', `http=127.0.0.1:${port}`], {
      cwd: root,
      env: { ...process.env, LEDGERLY_WEBHOOK_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk
    })
    const deadline = Date.now() + 20_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}:\n${output}`)
      try {
        await fetch(url, { signal: AbortSignal.timeout(1000) })
        return
      } catch {
        if (Date.now() > deadline) throw new Error(`workerd did not start within 20 s:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }, 60_000)

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  })

  it('signed request → 200 { received }', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: signedHeaders({ payload: BODY, secret: SECRET }),
      body: BODY,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: 'entry_cf' })
  })

  it('forged request → 401 SIGNATURE_MISMATCH', async () => {
    const headers = signedHeaders({ payload: BODY, secret: 'forged-secret' })
    const response = await fetch(url, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
  })
})
