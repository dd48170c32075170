#!/usr/bin/env node
// Durable delivery through @ledgerly/webhooks-bullmq: deliveries per second with 1, 2 and 4 worker
// processes sharing one Redis (AOF on, appendfsync everysec, as docs/redis-operations.md recommends),
// against a keep-alive receiver in another process, 1 KiB events; and the latency of one `dispatch()`
// (enqueue into Redis) while the workers are busy. Baseline, measured in the same run: the same
// dispatcher on the embedded memoryQueue() in one process (no Redis, no durability).
//
//   pnpm --filter @ledgerly/webhooks-dispatcher --filter @ledgerly/webhooks-bullmq build
//   node benchmarks/bullmq.mjs [--events 20000] [--producers 50]
//
// Roles: this file is also the receiver (`--receiver`) and a worker process (`--worker`).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { createServer as createNetServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const self = new URL(import.meta.url).pathname
const bullmqPackage = new URL('../packages/bullmq/dist/index.js', import.meta.url).href
const dispatcherPackage = new URL('../packages/dispatcher/dist/index.js', import.meta.url).href
const SECRET = 'bench-secret-bench-secret'
const { values: flags } = parseArgs({
  options: {
    receiver: { type: 'boolean', default: false },
    worker: { type: 'boolean', default: false },
    redis: { type: 'string' },
    url: { type: 'string' },
    queue: { type: 'string' },
    events: { type: 'string', default: '20000' },
    producers: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '100' },
  },
})

if (flags.receiver) runReceiver()
else if (flags.worker) await runBenchWorker()
else await main()

function runReceiver() {
  let count = 0
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200).end(String(count))
      return
    }
    request.resume()
    request.on('end', () => {
      count++
      response.writeHead(204).end()
    })
  })
  server.maxRequestsPerSocket = 0
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
    process.stdout.write(`ready ${server.address().port}\n`),
  )
}

async function runBenchWorker() {
  const { runWorker } = await import(bullmqPackage)
  const worker = await runWorker({
    redisUrl: flags.redis,
    queueName: flags.queue,
    url: flags.url,
    secret: SECRET,
    concurrency: Number(flags.concurrency),
    logLimit: 0,
  })
  process.stdout.write('ready\n')
  process.once('SIGTERM', async () => {
    await worker.close({ timeoutMs: 5_000 })
    process.exit(0)
  })
}

function freePort() {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Spawns a child and resolves with it and the first line it prints that starts with `ready`. */
function spawnReady(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', function onData(chunk) {
      output += chunk
      const line = output
        .split('\n')
        .find((each) => each.startsWith('ready') || each.includes('Ready to accept'))
      if (line) {
        child.stdout.off('data', onData)
        child.stdout.resume()
        resolve({ child, line })
      }
    })
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)))
  })
}

function latency(sorted, p) {
  if (sorted.length === 0) return '–'
  return `${sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)} ms`
}

function payload(index) {
  // About 1 KiB once serialised.
  return {
    event: 'entry_persisted',
    data: {
      id: `entry_${index}`,
      action: 'invoice.updated',
      actor: { type: 'user', id: 42, name: 'Ada' },
      target: { type: 'invoice', id: `INV-${index}` },
      diff: { status: ['draft', 'sent'] },
      metadata: { note: 'x'.repeat(760) },
      context: { tenant: 'acme' },
      severity: 'info',
      created_at: '2026-01-01T00:00:00.000Z',
    },
  }
}

async function delivered(receiverUrl) {
  const response = await fetch(receiverUrl)
  return Number(await response.text())
}

/** `producers` concurrent loops each awaiting one dispatch at a time, as request handlers would. */
async function produce(dispatcher, events, producers) {
  const latencies = new Float64Array(events)
  let next = 0
  async function loop() {
    while (next < events) {
      const index = next++
      const started = performance.now()
      await dispatcher.dispatch(payload(index), 'entry_persisted')
      latencies[index] = performance.now() - started
    }
  }
  await Promise.all(Array.from({ length: producers }, loop))
  return Array.from(latencies).sort((a, b) => a - b)
}

async function waitFor(receiverUrl, target) {
  for (;;) {
    if ((await delivered(receiverUrl)) >= target) return performance.now()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function main() {
  const events = Number(flags.events)
  const producers = Number(flags.producers)
  const { createSignedDispatcher, memoryQueue } = await import(dispatcherPackage)
  const { bullmqQueue } = await import(bullmqPackage)

  const dir = mkdtempSync(join(os.tmpdir(), 'ledgerly-bench-redis-'))
  const port = await freePort()
  const redis = await spawnReady('redis-server', [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
  ])
  const redisUrl = `redis://127.0.0.1:${port}`
  const receiver = await spawnReady(process.execPath, [self, '--receiver'])
  const receiverPort = Number(receiver.line.split(' ')[1])
  const url = `http://127.0.0.1:${receiverPort}/hooks`
  const rows = []
  let total = 0

  try {
    // Baseline: the embedded queue in one process.
    {
      const dispatcher = createSignedDispatcher({
        url,
        secret: SECRET,
        logLimit: 0,
        queue: memoryQueue({ concurrency: Number(flags.concurrency) }),
      })
      const started = performance.now()
      const latencies = await produce(dispatcher, events, producers)
      const ended = await waitFor(url, total + events)
      total += events
      await dispatcher.close()
      rows.push({
        label: 'memoryQueue, 1 process (baseline)',
        events,
        seconds: (ended - started) / 1000,
        latencies,
      })
    }

    // Ceiling: BullMQ alone in this process (bulk-added 1 KiB jobs, a no-op processor, no HTTP).
    {
      const require = createRequire(new URL('../packages/bullmq/package.json', import.meta.url))
      const { Queue, Worker } = await import(require.resolve('bullmq'))
      const connection = { host: '127.0.0.1', port }
      const queueName = `bench-raw-${Date.now()}`
      const raw = new Queue(queueName, { connection })
      const body = JSON.stringify(payload(0))
      for (let start = 0; start < events; start += 1000) {
        await raw.addBulk(
          Array.from({ length: Math.min(1000, events - start) }, (_, offset) => ({
            name: 'entry_persisted',
            data: { body },
            opts: { jobId: `raw-${start + offset}`, removeOnComplete: { age: 86_400, count: 10_000 } },
          })),
        )
      }
      let done = 0
      const started = performance.now()
      let worker
      await new Promise((resolve) => {
        worker = new Worker(
          queueName,
          async () => {
            if (++done === events) resolve()
          },
          { connection, concurrency: Number(flags.concurrency) },
        )
      })
      const seconds = (performance.now() - started) / 1000
      await worker.close()
      await raw.close()
      rows.push({ label: 'BullMQ alone: no-op processor, no HTTP (ceiling)', events, seconds, latencies: [] })
    }

    // Capture alone: enqueue latency and rate with no worker running (the jobs are left in Redis).
    {
      const queue = bullmqQueue({ connection: redisUrl, queueName: `bench-capture-${Date.now()}` })
      const producer = createSignedDispatcher({ url, secret: SECRET, queue, work: false, logLimit: 0 })
      await queue.ready()
      const started = performance.now()
      const latencies = await produce(producer, events, producers)
      const seconds = (performance.now() - started) / 1000
      await queue.bullmq.obliterate({ force: true })
      await producer.close()
      rows.push({
        label: 'bullmqQueue, enqueue only, no worker (capture)',
        events,
        seconds,
        latencies,
        enqueues: true,
      })
    }

    for (const workers of [1, 2, 4]) {
      const queueName = `bench-${workers}-${Date.now()}`
      const children = await Promise.all(
        Array.from({ length: workers }, () =>
          spawnReady(process.execPath, [
            self,
            ...['--worker', '--redis', redisUrl, '--url', url, '--queue', queueName],
            ...['--concurrency', flags.concurrency],
          ]),
        ),
      )
      const queue = bullmqQueue({ connection: redisUrl, queueName })
      const producer = createSignedDispatcher({ url, secret: SECRET, queue, work: false, logLimit: 0 })
      await queue.ready()
      const started = performance.now()
      const latencies = await produce(producer, events, producers)
      const ended = await waitFor(url, total + events)
      total += events
      await producer.close()
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise((resolve) => {
              child.once('exit', resolve)
              child.kill('SIGTERM')
            }),
        ),
      )
      rows.push({
        label: `bullmqQueue, ${workers} worker process${workers > 1 ? 'es' : ''}`,
        events,
        seconds: (ended - started) / 1000,
        latencies,
      })
    }
  } finally {
    receiver.child.kill()
    redis.child.kill('SIGTERM')
    await new Promise((resolve) => redis.child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }

  const baseline = rows[0].events / rows[0].seconds
  console.log(
    `\n${os.cpus().length} CPU (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )}; ${events} events of ~1 KiB per row, ${producers} concurrent producers, worker concurrency ${flags.concurrency}\n`,
  )
  console.log('| setup | deliveries/s | vs baseline | dispatch() p50 | dispatch() p99 |')
  console.log('|---|---:|---:|---:|---:|')
  for (const row of rows) {
    const rate = row.events / row.seconds
    console.log(
      `| ${row.label} | ${Math.round(rate).toLocaleString('en-US')}${row.enqueues ? ' enqueues/s' : ''} | ${(rate / baseline).toFixed(2)}× | ${latency(row.latencies, 50)} | ${latency(row.latencies, 99)} |`,
    )
  }
}
