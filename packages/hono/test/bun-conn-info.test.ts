// On a real Bun, `getConnInfo(c)` from 'hono/bun' still gives the peer's address in a handler after the
// middleware. It calls Bun's `server.requestIP(c.req.raw)`, which only knows the Request Bun created and
// returns null for any copy: the middleware must leave `c.req.raw` as Bun gave it, whatever ran before.
//
// Bun is not a devDependency of this package: the binary comes from the one @ledgerly/webhooks-edge installs
// for its runtime tests (packages/edge/node_modules/bun). A missing one fails with a clear message.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BODY, DIGEST, T } from '@ledgerly/test-support/wire-cases'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post } from './support/http-client.js'

const here = dirname(fileURLToPath(import.meta.url))
const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]

function bunBinary(): string {
  const edge = join(here, '..', '..', 'edge', 'package.json')
  let path: string
  try {
    path = join(dirname(createRequire(edge).resolve('bun/package.json')), 'bin', 'bun.exe')
  } catch {
    throw new Error(
      'The "bun" npm package is not installed for packages/edge: run pnpm install in the workspace root',
    )
  }
  if (!existsSync(path)) throw new Error(`The Bun binary is missing at ${path}: reinstall the "bun" package`)
  return path
}

let child: ChildProcess
let origin: string
let output = ''

beforeAll(async () => {
  child = spawn(bunBinary(), [join(here, 'runtimes', 'bun-conn-info.ts')], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Bun did not listen within 20 s:\n${output}`)), 20_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /LISTENING (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Bun exited with ${code} before listening:\n${output}`))
    })
  })
  origin = `http://127.0.0.1:${port}`
}, 30_000)

afterAll(async () => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})

describe('getConnInfo() on a real Bun, in a handler after the middleware', () => {
  const chunked = [BODY.slice(0, 30), BODY.slice(30)].map((part) => new TextEncoder().encode(part))

  it.each([
    ['nothing', 'Content-Length', { body: BODY }],
    ['nothing', 'chunked', { chunks: chunked }],
    ['signal', 'Content-Length', { body: BODY }],
    ['signal', 'chunked', { chunks: chunked }],
    ['arrayBuffer', 'Content-Length', { body: BODY }],
    ['arrayBuffer', 'chunked', { chunks: chunked }],
  ] as const)(
    '%s before, %s body → the peer’s address, and the exact body',
    async (before, _transfer, payload) => {
      const response = await post(`${origin}/${before}`, SIGNED, payload)
      expect(response.status, output).toBe(200)
      // 127.0.0.1 (::ffff:127.0.0.1 on a dual-stack socket); Bun's answer for a copy of its Request is null.
      const peer = expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/)
      expect(JSON.parse(response.body)).toEqual({
        id: 'entry_1',
        body: BODY,
        requestIP: peer,
        getConnInfo: peer,
      })
    },
  )
})
