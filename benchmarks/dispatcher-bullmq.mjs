#!/usr/bin/env node
// The dispatcher on BullMQ, one run, one throwaway redis-server (AOF everysec), one keep-alive receiver:
//  1. Baseline, BullMQ alone: a worker process with a no-op processor (same lock/retention options as the
//     driver) drains jobs of the same shape that a raw Queue.addBulk producer writes as fast as it can.
//  2. Deliveries/s with 1, 2 and 4 `ledgerly-webhooks worker` processes, 1 KiB events: after WARMUP untimed
//     events per worker (long-lived workers run warm, as in benchmarks/dispatcher.mjs), a burst of EVENTS
//     dispatch() calls (at most 1,000 unresolved), timed from the first enqueue until the queue is empty.
//  3. Enqueue latency as a producer sees it: an open-loop producer at a fixed rate (1,000/s and 5,000/s,
//     3 s each), with no worker running and with 2 worker processes delivering meanwhile; latency runs
//     from when the event was due, so a producer that falls behind shows it (no coordinated omission).
// CPU per job of every process (from /proc) is reported for 1 and 2: on 2 shared cores it is the bound.
//
//   pnpm --filter @ledgerly/webhooks-dispatcher build && node benchmarks/dispatcher-bullmq.mjs [--write-doc]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'

const require = createRequire(new URL('../packages/dispatcher/package.json', import.meta.url))
const { Queue, Worker } = require('bullmq')
const secret = 'benchmark-secret-0123456789abcdef'
// 40,000 per row: at 5,000/s a run of 10,000 lasted 2 s, short enough for start-up (JIT, lazy loading, new
// connections) to weigh on the worker's CPU per delivery (185–209 µs over 10,000 events, 128 µs over 40,000).
const EVENTS = Number(process.env.EVENTS ?? 40_000)
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 100)
// Untimed events per worker process before each measured phase. Workers are long-lived; a fresh process runs
// its first few thousand jobs in the interpreter and still loads modules lazily. Measured on one worker
// draining a 40,000-event backlog: 141–167 µs of worker CPU per delivery cold, 120–131 µs after 10,000
// warm-up events. The in-memory benchmark warms both sides up the same way. WARMUP=0 measures cold.
const WARMUP = Number(process.env.WARMUP ?? 5_000)

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

function payload(i) {
  const base = {
    event: 'entry_persisted',
    data: { id: `entry_${i}`, action: 'invoice.updated', metadata: { pad: '' } },
  }
  // A flat string, as JSON.parse or a database driver hands out: `repeat` builds a rope that
  // JSON.stringify would first have to flatten, a cost real events do not carry.
  base.data.metadata.pad = Buffer.from('x'.repeat(1024 - JSON.stringify(base).length)).toString('latin1')
  return base
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main() {
  const { createSignedDispatcher } = await import('../packages/dispatcher/dist/index.js')
  const { bullmqQueue } = await import('../packages/dispatcher/dist/bullmq.js')
  const cli = new URL('../packages/dispatcher/dist/cli.js', import.meta.url).pathname
  const receiverScript = new URL('./dispatcher.mjs', import.meta.url).pathname
  const loadBefore = os.loadavg()[0]
  const children = new Set()
  // A crash must not leave redis-server, the receiver or workers running (they would hold the bench lock's CPU).
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL')
  })
  const track = (child) => {
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  }

  const redisPort = await freePort()
  const redisDir = mkdtempSync(join(os.tmpdir(), 'ledgerly-bench-redis-'))
  const redis = track(
    spawn('redis-server', [
      ...['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
    ]),
  )
  await waitFor(redis, /Ready to accept connections/, 'redis-server')
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  const connection = { host: '127.0.0.1', port: redisPort }
  const receiver = track(
    spawn(process.execPath, [receiverScript, '--receiver'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }),
  )
  const [, receiverPort] = await waitFor(receiver, /ready (\d+)/, 'receiver')
  const url = `http://127.0.0.1:${receiverPort}/webhooks`
  // CPU seconds a process has used so far (Linux /proc; utime + stime in clock ticks of 10 ms).
  const cpuOf = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  }
  const received = () =>
    new Promise((resolve) => {
      receiver.once('message', (m) => resolve(m.count))
      receiver.send('usage')
    })

  const nodeFlags = process.env.WORKER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
  async function startWorkers(count, queueName, noop) {
    const args = noop
      ? [new URL(import.meta.url).pathname, '--noop-worker', redisUrl, queueName]
      : [cli, 'worker', '--quiet', '--redis', redisUrl, '--url', url, '--secret', secret]
    if (!noop) args.push('--queue', queueName, '--concurrency', String(CONCURRENCY))
    const workers = Array.from({ length: count }, () =>
      // WORKER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/w" profiles the workers (NODE_OPTIONS refuses it).
      track(spawn(process.execPath, [...nodeFlags, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })),
    )
    await Promise.all(workers.map((w) => waitFor(w, /consuming queue/, 'worker')))
    const cpu = () => workers.reduce((sum, w) => sum + cpuOf(w.pid), 0)
    const stop = () =>
      Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve) && w.kill('SIGTERM'))))
    return { cpu, stop }
  }

  // CPU per delivery of each process, in µs, over the measured span.
  function cpuMeter(workers) {
    const read = () => ({
      redis: cpuOf(redis.pid),
      receiver: cpuOf(receiver.pid),
      workers: workers.cpu(),
      producer: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    })
    const start = read()
    return (jobs) => {
      const end = read()
      return Object.fromEntries(Object.keys(end).map((k) => [k, ((end[k] - start[k]) * 1e6) / jobs]))
    }
  }

  async function untilEmpty(queue) {
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      if (c.waiting + c.active + c.delayed + c.prioritized === 0) return
      await sleep(10)
    }
  }

  async function bullmqAlone() {
    const queueName = `alone-${Date.now()}`
    const workers = await startWorkers(1, queueName, true)
    const queue = new Queue(queueName, { connection })
    const opts = { attempts: 6, removeOnComplete: { age: 86_400, count: 100_000 } }
    const jobs = Array.from({ length: EVENTS }, (_, i) => {
      const body = JSON.stringify(payload(i))
      const id = `dlv_alone${i}-1`
      const data = {
        id,
        deliveryId: `dlv_alone${i}`,
        event: 'entry_persisted',
        endpoint: url,
        body,
        attempt: 1,
      }
      return {
        name: 'entry_persisted',
        data: { ...data, createdAt: Date.now() },
        opts: { ...opts, jobId: id },
      }
    })
    await queue.waitUntilReady()
    const warmJobs = Array.from({ length: WARMUP }, (_, i) => ({
      ...jobs[i % jobs.length],
      opts: { ...jobs[i % jobs.length].opts, jobId: `dlv_warm${i}-1` },
    }))
    for (let i = 0; i < warmJobs.length; i += 500) await queue.addBulk(warmJobs.slice(i, i + 500))
    await untilEmpty(queue)
    const meter = cpuMeter(workers)
    const start = performance.now()
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500))
    await untilEmpty(queue)
    const seconds = (performance.now() - start) / 1000
    const cpu = meter(EVENTS)
    await queue.close()
    await workers.stop()
    return {
      label: 'BullMQ alone: raw `addBulk` → 1 no-op worker process (baseline)',
      perSecond: EVENTS / seconds,
      cpu,
    }
  }

  async function deliveries(workerCount, batchSize = 1) {
    const queueName = `burst-${workerCount}-${batchSize}-${Date.now()}`
    const workers = await startWorkers(workerCount, queueName, false)
    const queue = bullmqQueue({ connection: redisUrl, queueName, pollInterval: 10, batchSize })
    const producer = createSignedDispatcher({ url, secret, queue, work: false, logLimit: 0 })
    const bodies = Array.from({ length: EVENTS }, (_, i) => payload(i))
    await queue.counts() // connected, like a long-lived producer
    await warmUp(producer, workerCount)
    const before = await received()
    const meter = cpuMeter(workers)
    let next = 0
    const burst = []
    const start = performance.now()
    await Promise.all(
      Array.from({ length: 1000 }, async () => {
        while (next < bodies.length) {
          const t = performance.now()
          await producer.dispatch(bodies[next++], 'entry_persisted')
          burst.push(performance.now() - t)
        }
      }),
    )
    await producer.drained()
    const seconds = (performance.now() - start) / 1000
    const cpu = meter(EVENTS)
    const delivered = (await received()) - before
    await producer.close()
    await workers.stop()
    const label = `\`dispatch()\` burst${batchSize > 1 ? `, \`batchSize: ${batchSize}\`` : ''} → ${workerCount} \`ledgerly-webhooks worker\` process${workerCount > 1 ? 'es' : ''} → receiver`
    burst.sort((a, b) => a - b)
    const enqueue = { p50: percentile(burst, 50), p99: percentile(burst, 99) }
    return { label, workerCount, perSecond: EVENTS / seconds, delivered, cpu, enqueue }
  }

  // Untimed: WARMUP events per worker through the same producer and queue, drained before the clock starts.
  async function warmUp(producer, workerCount) {
    const total = WARMUP * workerCount
    let next = 0
    await Promise.all(
      Array.from({ length: Math.min(1000, total) }, async () => {
        while (next < total) await producer.dispatch(payload(next++), 'entry_persisted')
      }),
    )
    await producer.drained()
  }

  // workerCount 0: nobody consumes (deliveries are behind; the queue absorbs the burst).
  async function openLoop(rate, workerCount, batchSize = 1) {
    const queueName = `latency-${rate}-${workerCount}-${batchSize}-${Date.now()}`
    const workers = workerCount > 0 ? await startWorkers(workerCount, queueName, false) : undefined
    const queue = bullmqQueue({ connection: redisUrl, queueName, pollInterval: 10, batchSize })
    const producer = createSignedDispatcher({ url, secret, queue, work: false, logLimit: 0 })
    // Warm: a long-lived producer is connected and has loaded BullMQ's scripts before its first event, and
    // long-lived workers have run a while.
    await producer.dispatch(payload(0), 'entry_persisted')
    if (workers) await warmUp(producer, workerCount)
    const total = rate * 3
    const latencies = []
    const pending = []
    const start = performance.now()
    let sent = 0
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000))
      for (; sent < due; sent++) {
        const dueAt = start + (sent * 1000) / rate
        pending.push(
          producer
            .dispatch(payload(sent), 'entry_persisted')
            .then(() => latencies.push(performance.now() - dueAt)),
        )
      }
      await sleep(1)
    }
    await Promise.all(pending)
    if (workers) await producer.drained()
    await producer.close()
    await workers?.stop()
    latencies.sort((a, b) => a - b)
    return {
      rate,
      workerCount,
      batchSize,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
    }
  }

  const us = (n) => Math.round(n).toLocaleString('en-US')
  const cpuText = (c) =>
    `Redis ${us(c.redis)}, workers ${us(c.workers)}, receiver ${us(c.receiver)}, producer ${us(c.producer)}`
  const rows = [await bullmqAlone()]
  console.log(
    `${rows[0].label}: ${Math.round(rows[0].perSecond)} jobs/s; CPU µs/job: ${cpuText(rows[0].cpu)}`,
  )
  const burstRows = process.env.BURST_ROWS
    ? JSON.parse(process.env.BURST_ROWS)
    : [
        [1, 1],
        [2, 1],
        [4, 1],
        [1, 100],
        [2, 100],
        [4, 100],
      ]
  for (const [workerCount, batchSize] of burstRows) {
    const row = await deliveries(workerCount, batchSize)
    rows.push(row)
    console.log(
      `${row.label}: ${Math.round(row.perSecond)} deliveries/s (${row.delivered} received); burst enqueue p50 ${row.enqueue.p50.toFixed(1)} ms, p99 ${row.enqueue.p99.toFixed(1)} ms; CPU µs/delivery: ${cpuText(row.cpu)}`,
    )
  }
  const latency = []
  const loopRows = process.env.LOOP_ROWS
    ? JSON.parse(process.env.LOOP_ROWS)
    : [
        [1000, 0, 1],
        [5000, 0, 1],
        [1000, 2, 1],
        [5000, 2, 1],
        [1000, 0, 100],
        [5000, 0, 100],
        [5000, 2, 100],
      ]
  for (const [rate, workerCount, batchSize] of loopRows) {
    const row = await openLoop(rate, workerCount, batchSize)
    latency.push(row)
    console.log(
      `open loop ${rate}/s, batch ${batchSize}, ${workerCount} workers delivering: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, max ${row.max.toFixed(1)} ms`,
    )
  }
  receiver.kill()
  redis.kill('SIGTERM')

  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  const throughput = [
    '| producer → queue → workers | jobs/s | ratio to BullMQ alone | received | burst enqueue p50 / p99 ms | CPU µs per job: Redis | workers | receiver | producer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.perSecond)} | ${(r.perSecond / rows[0].perSecond).toFixed(2)} | ${r.delivered === undefined ? '—' : fmt(r.delivered)} | ${r.enqueue ? `${r.enqueue.p50.toFixed(1)} / ${r.enqueue.p99.toFixed(1)}` : '—'} | ${us(r.cpu.redis)} | ${us(r.cpu.workers)} | ${us(r.cpu.receiver)} | ${us(r.cpu.producer)} |`,
    ),
  ].join('\n')
  const latencyTable = [
    '| producer rate (open loop, 3 s) | batchSize | worker processes delivering meanwhile | enqueue p50 ms | p99 ms | max ms |',
    '|---:|---:|---:|---:|---:|---:|',
    ...latency.map(
      (r) =>
        `| ${fmt(r.rate)}/s | ${r.batchSize} | ${r.workerCount} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(1)} |`,
    ),
  ].join('\n')
  console.log(`\n${throughput}\n\n${latencyTable}`)
  if (process.argv.includes('--write-doc')) {
    writeFileSync(
      new URL('../docs/benchmarks/dispatcher-bullmq.md', import.meta.url),
      `# Dispatcher on BullMQ: throughput and enqueue latency

\`node benchmarks/dispatcher-bullmq.mjs --write-doc\` (after \`pnpm build\`). Node ${process.version}, ${os.cpus().length} ×
${os.cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}, 1-minute load average ${loadBefore.toFixed(1)} before and
${os.loadavg()[0].toFixed(1)} after the run. Everything shares the same 2 cores: one redis-server (AOF everysec), one
keep-alive receiver process, the worker processes (concurrency ${CONCURRENCY} each) and the producer. ${fmt(EVENTS)} events of 1 KiB
per row; deliveries/s is events ÷ time from the first enqueue until the queue is empty, after ${fmt(WARMUP)} untimed events
per worker process (long-lived workers run warm).

${throughput}

Enqueue latency, as a producer sees it: \`dispatch()\` called at a fixed rate (open loop), with no worker running
(the queue absorbs a burst) and with 2 worker processes delivering at the same time; each latency runs from when the
event was due until its promise resolved (the job is stored in Redis), so a producer that falls behind shows it.

${latencyTable}

Target from issue 7: ≥ 5,000 deliveries/s and enqueue p99 < 100 ms.
`,
    )
  }
}

if (process.argv[2] === '--noop-worker') {
  // BullMQ alone: the driver's worker options, a processor that does nothing.
  const [, , , redisUrl, queueName] = process.argv
  const { port } = new URL(redisUrl)
  const worker = new Worker(queueName, async function noop() {}, {
    connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null },
    concurrency: CONCURRENCY,
    lockDuration: 32_000,
    stalledInterval: 30_000,
    maxStalledCount: 10,
  })
  worker.on('error', () => {})
  process.stdout.write(`worker ${process.pid} consuming queue\n`)
  process.once('SIGTERM', () => worker.close().then(() => process.exit(0)))
} else {
  await main()
  process.exit(0)
}
