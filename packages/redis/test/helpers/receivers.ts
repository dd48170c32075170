import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))
// Inside the package, so the bundle resolves ioredis and @ledgerly/webhooks from this package's node_modules.
const bundle = `${packageRoot}.tmp/receiver.mjs`

let built: Promise<unknown> | undefined

/** Bundles test/fixtures/receiver.ts (our TypeScript sources) into plain ESM that `node` runs. */
function buildReceiver(): Promise<unknown> {
  mkdirSync(`${packageRoot}.tmp`, { recursive: true })
  built ??= build({
    entryPoints: [`${packageRoot}test/fixtures/receiver.ts`],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['ioredis', '@ledgerly/webhooks', '@ledgerly/webhooks/*'],
    logLevel: 'silent',
  })
  return built
}

export interface Receiver {
  name: string
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

export interface ReceiverOptions {
  name: string
  redisUrl: string
  secret: string
  prefix: string
  leaseMs: number
  handlerMs: number
}

/** Starts one receiver process and resolves when it listens. */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  await buildReceiver()
  const child = spawn(process.execPath, [bundle], {
    env: {
      ...process.env,
      RECEIVER_NAME: options.name,
      REDIS_URL: options.redisUrl,
      WEBHOOK_SECRET: options.secret,
      KEY_PREFIX: options.prefix,
      LEASE_MS: String(options.leaseMs),
      HANDLER_MS: String(options.handlerMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start:\n${output}`)), 15_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /READY (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${options.name} exited with code ${code}:\n${output}`))
    })
  })
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}/webhooks`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** POSTs one freshly signed delivery; resolves to the status, Retry-After and the receiver's JSON. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; retryAfter: string | null; outcome: string; receiver: string }> {
  const response = await fetch(url, { method: 'POST', body, headers })
  const json = (await response.json()) as { outcome: string; receiver: string }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...json }
}
