// A chunked 50 MiB upload to a 10 MiB limit: 413, and the server's memory stays bounded. The server runs in
// its own process (bundled from the sources) so its peak RSS is its own; a control server that buffers the
// whole upload shows the measurement would catch a reader that keeps everything.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post } from './helpers/client.js'
import { upload } from './helpers/upload.js'

const MiB = 1024 * 1024
const here = fileURLToPath(new URL('.', import.meta.url))
const bundle = `${here}../.tmp/memory-server.mjs`

interface Snapshot {
  maxRss: number
  peakHeap: number
  peakBuffers: number
}

interface Child {
  port: number
  snapshot(): Promise<Snapshot>
  stop(): Promise<void>
}

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise(function wait(resolve, reject) {
    function onMessage(message: Record<string, unknown>): void {
      if (!(key in message)) return
      child.off('message', onMessage)
      resolve(message[key] as T)
    }
    child.on('message', onMessage)
    child.once('exit', (code) => reject(new Error(`memory server exited (${code}) before sending "${key}"`)))
  })
}

async function startChild(major: 4 | 5, mode: 'middleware' | 'buffer-all'): Promise<Child> {
  const child = fork(bundle, [String(major), mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const port = await nextMessage<number>(child, 'port')
  return {
    port,
    snapshot() {
      const reply = nextMessage<Snapshot>(child, 'snapshot')
      child.send({ cmd: 'snapshot' })
      return reply
    },
    stop() {
      const exited = new Promise<void>((done) => child.once('exit', () => done()))
      child.send({ cmd: 'exit' })
      return exited
    },
  }
}

/** Peak growth over a warmed-up baseline while a 50 MiB chunked upload is sent in full. */
async function measure(major: 4 | 5, mode: 'middleware' | 'buffer-all') {
  const child = await startChild(major, mode)
  try {
    // Warm up: a small request through the whole stack, so code and pools are loaded before the baseline.
    await post(child.port, { headers: { 'content-type': 'application/json' }, body: '{}' })
    const baseline = await child.snapshot()
    const result = await upload(child.port, {
      total: 50 * MiB,
      ignoreEarlyAnswer: true,
      headers: { 'content-type': 'application/json' },
    })
    const after = await child.snapshot()
    return {
      status: result.status,
      rssGrowth: after.maxRss - baseline.maxRss,
      heapGrowth: after.peakHeap - baseline.peakHeap,
      bufferGrowth: after.peakBuffers - baseline.peakBuffers,
    }
  } finally {
    await child.stop()
  }
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

beforeAll(async () => {
  mkdirSync(`${here}../.tmp`, { recursive: true })
  await build({
    entryPoints: [`${here}fixtures/memory-server.ts`],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
})

describe('memory while refusing a 50 MiB chunked upload (limit 10 MiB)', () => {
  const results: string[] = []
  afterAll(() => console.log(results.join('\n')))

  it.each([4, 5] as const)(
    'Express %i with ledgerlyWebhook → 413, peak RSS growth < 64 MiB',
    async (major) => {
      const measured = await measure(major, 'middleware')
      results.push(
        `Express ${major} middleware: RSS +${mib(measured.rssGrowth)}, heap +${mib(measured.heapGrowth)}, buffers +${mib(measured.bufferGrowth)}`,
      )
      expect(measured.status).toBe(413)
      expect(measured.rssGrowth).toBeLessThan(64 * MiB)
      expect(measured.bufferGrowth).toBeLessThan(32 * MiB)
    },
  )

  it('control: express.raw({ limit: "100mb" }) buffers it all → peak RSS growth > 48 MiB (the measure bites)', async () => {
    const measured = await measure(5, 'buffer-all')
    results.push(
      `Express 5 control (express.raw 100mb): RSS +${mib(measured.rssGrowth)}, heap +${mib(measured.heapGrowth)}, buffers +${mib(measured.bufferGrowth)}`,
    )
    expect(measured.rssGrowth).toBeGreaterThan(48 * MiB)
  })
})
