#!/usr/bin/env node
// Deliveries per second through the BullMQ driver: 1, 2 and 4 worker processes (`ledgerly-webhooks worker`)
// against a keep-alive receiver process, 1 KiB events, jobs in a throwaway redis-server (AOF everysec).
// Also the producer's enqueue latency (p50/p99), 50 enqueues in flight.
//
//   pnpm --filter @ledgerly/webhooks-dispatcher build && node benchmarks/dispatcher-bullmq.mjs [--write-doc]
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'

const { createSignedDispatcher } = await import('../packages/dispatcher/dist/index.js')
const { bullmqQueue } = await import('../packages/dispatcher/dist/bullmq.js')
const cli = new URL('../packages/dispatcher/dist/cli.js', import.meta.url).pathname
const receiverScript = new URL('./dispatcher.mjs', import.meta.url).pathname
const secret = 'benchmark-secret-0123456789abcdef'
const EVENTS = Number(process.env.EVENTS ?? 10_000)
const loadBefore = os.loadavg()[0]

async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

function waitFor(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${output}`)), 20_000)
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = pattern.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match)
      }
    })
  })
}

const redisPort = await freePort()
const redisDir = mkdtempSync(join(os.tmpdir(), 'ledgerly-bench-redis-'))
const redis = spawn('redis-server', [
  '--port',
  String(redisPort),
  '--bind',
  '127.0.0.1',
  '--dir',
  redisDir,
  '--save',
  '',
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--maxmemory-policy',
  'noeviction',
])
await waitFor(redis, /Ready to accept connections/, 'redis-server')
const redisUrl = `redis://127.0.0.1:${redisPort}`

const receiver = spawn(process.execPath, [receiverScript, '--receiver'], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
})
const [, receiverPort] = await waitFor(receiver, /ready (\d+)/, 'receiver')
const url = `http://127.0.0.1:${receiverPort}/webhooks`

function payload(i) {
  const base = {
    event: 'entry_persisted',
    data: { id: `entry_${i}`, action: 'invoice.updated', metadata: { pad: '' } },
  }
  base.data.metadata.pad = 'x'.repeat(1024 - JSON.stringify(base).length)
  return base
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

async function run(workerCount) {
  const queueName = `bench-${workerCount}-${Date.now()}`
  const workers = Array.from({ length: workerCount }, () =>
    spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--quiet',
        '--redis',
        redisUrl,
        '--url',
        url,
        '--secret',
        secret,
        '--queue',
        queueName,
        '--concurrency',
        '200',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  )
  await Promise.all(workers.map((w) => waitFor(w, /consuming queue/, 'worker')))
  const queue = bullmqQueue({ connection: redisUrl, queueName, pollInterval: 20 })
  const producer = createSignedDispatcher({ url, secret, queue, work: false, logLimit: 0 })
  const bodies = Array.from({ length: EVENTS }, (_, i) => payload(i))
  const latencies = []
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]
        const t = performance.now()
        await producer.dispatch(body, 'entry_persisted')
        latencies.push(performance.now() - t)
      }
    }),
  )
  const enqueued = performance.now()
  await producer.drained()
  const seconds = (performance.now() - start) / 1000
  await producer.close()
  await Promise.all(
    workers.map((w) => new Promise((resolve) => w.once('exit', resolve) && w.kill('SIGTERM'))),
  )
  latencies.sort((a, b) => a - b)
  return {
    workerCount,
    perSecond: EVENTS / seconds,
    enqueuePerSecond: EVENTS / ((enqueued - start) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }
}

const rows = []
for (const workerCount of [1, 2, 4]) {
  const row = await run(workerCount)
  rows.push(row)
  console.log(
    `${workerCount} worker(s): ${Math.round(row.perSecond)} deliveries/s end to end; enqueue ${Math.round(row.enqueuePerSecond)}/s, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms`,
  )
}
receiver.kill()
redis.kill('SIGTERM')

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const table = [
  '| worker processes | events | deliveries/s (enqueue → all delivered) | ratio to 1 worker | enqueue/s | enqueue p50 ms | enqueue p99 ms |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.workerCount} | ${fmt(EVENTS)} | ${fmt(r.perSecond)} | ${(r.perSecond / rows[0].perSecond).toFixed(2)} | ${fmt(r.enqueuePerSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
  ),
].join('\n')
console.log(`\n${table}`)
if (process.argv.includes('--write-doc')) {
  writeFileSync(
    new URL('../docs/benchmarks/dispatcher-bullmq.md', import.meta.url),
    `# Dispatcher on BullMQ: throughput and enqueue latency

\`node benchmarks/dispatcher-bullmq.mjs --write-doc\` (after \`pnpm build\`). Node ${process.version}, ${os.cpus().length} ×
${os.cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}, 1-minute load average ${loadBefore.toFixed(1)} before and
${os.loadavg()[0].toFixed(1)} after the run (other work was running on the machine). One redis-server (AOF everysec), one keep-alive receiver process, N \`ledgerly-webhooks
worker\` processes (concurrency 200 each) and the producer all share the same 2 cores. The producer enqueues
${fmt(EVENTS)} 1 KiB events with 50 enqueues in flight while the workers deliver; deliveries/s is events ÷ time from
the first enqueue until the queue is empty. Enqueue latency is one \`dispatch()\` (a BullMQ \`add\`) as the producer sees it.

${table}

Target from issue 7: ≥ 5,000 deliveries/s and enqueue p99 < 100 ms.
`,
  )
}
