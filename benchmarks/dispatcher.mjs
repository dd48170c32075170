#!/usr/bin/env node
// Deliveries per second from @ledgerly/webhooks-dispatcher to a keep-alive receiver in another process,
// 1 KiB events, at 1, 100 and 1,000 in flight; p50/p99 attempt latency; peak RSS. Baseline, measured in
// the same run: bare undici POSTs of the same body at the same concurrency (no signing, no queue, no log).
//
//   pnpm --filter @ledgerly/webhooks-dispatcher build && node benchmarks/dispatcher.mjs [--write-doc]
//
// The receiver is this same file started with `--receiver` (node:http, keep-alive, answers 204).
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import os from 'node:os'

if (process.argv.includes('--receiver')) {
  let count = 0
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    request.resume()
    request.on('end', () => {
      count++
      response.writeHead(204).end()
    })
  })
  server.maxRequestsPerSocket = 0
  // A deep accept backlog: 1,000 connections opened at once would otherwise overflow it and wait for
  // SYN retransmits (1 s, 3 s), which measures the kernel, not the dispatcher.
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
    process.stdout.write(`ready ${server.address().port}\n`),
  )
  process.on('message', (message) => {
    if (message === 'usage') process.send({ count, cpu: process.cpuUsage() })
  })
} else {
  await main()
}

async function main() {
  const { createSignedDispatcher, memoryQueue } = await import('../packages/dispatcher/dist/index.js')
  const require = createRequire(new URL('../packages/dispatcher/package.json', import.meta.url))
  const { Pool } = await import(require.resolve('undici'))
  const receiverUsage = () =>
    new Promise((resolve) => {
      receiver.once('message', resolve)
      receiver.send('usage')
    })
  const cpuMicros = (usage) => usage.user + usage.system

  const receiver = spawn(process.execPath, [new URL(import.meta.url).pathname, '--receiver'], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  const port = await new Promise((resolve) => {
    receiver.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(String(chunk))
      if (match) resolve(Number(match[1]))
    })
  })
  const url = `http://127.0.0.1:${port}/webhooks`
  const secret = 'benchmark-secret-0123456789abcdef'

  // A 1 KiB entry_persisted body (padded in metadata to exactly 1024 bytes of JSON).
  function payload(i) {
    const base = {
      event: 'entry_persisted',
      data: {
        id: `entry_${i}`,
        action: 'invoice.updated',
        actor: { type: 'user', id: 42, name: 'Ada' },
        target: { type: 'invoice', id: `INV-${i}` },
        diff: { status: ['draft', 'sent'] },
        metadata: { pad: '' },
        context: { tenant: 'bench' },
        severity: 'info',
        created_at: '2026-01-01T00:00:00.000Z',
      },
    }
    // A flat string, as JSON.parse or a database driver hands out: `repeat` builds a rope that
    // JSON.stringify would first have to flatten, a cost real events do not carry.
    base.data.metadata.pad = Buffer.from('x'.repeat(1024 - JSON.stringify(base).length)).toString('latin1')
    return base
  }

  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
  const rssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024)

  // One dispatcher per scenario, built as a user would (its own keep-alive pool, `connections` capped like
  // the baseline's), used for a warm-up phase and then the measured phase on the same open connections.
  function makeDispatcher(inFlight, connections) {
    const dispatcher = createSignedDispatcher({
      url,
      secret,
      connections,
      logLimit: 0,
      queue: memoryQueue({ concurrency: inFlight }),
    })
    const stats = { latencies: [], failures: 0, retries: 0 }
    dispatcher.on('success', ({ attempt }) => stats.latencies.push(attempt.durationMs))
    dispatcher.on('retry', () => stats.retries++)
    dispatcher.on('failure', () => stats.failures++)
    return { dispatcher, stats }
  }

  async function runDispatcher({ dispatcher, stats }, total, strings = false) {
    stats.latencies = []
    stats.failures = 0
    stats.retries = 0
    // The events are built before the clock starts; once dispatched, the benchmark drops them (an
    // application does not keep its event objects either), so only the dispatcher's own copies stay alive.
    // With `strings`, the events arrive already serialised (an outbox row, a message from another queue).
    let bodies = Array.from({ length: total }, (_, i) => (strings ? JSON.stringify(payload(i)) : payload(i)))
    const receiverBefore = cpuMicros((await receiverUsage()).cpu)
    const cpuBefore = process.cpuUsage()
    const start = performance.now()
    for (const body of bodies) await dispatcher.dispatch(body, 'entry_persisted')
    bodies = undefined
    await dispatcher.drained()
    const seconds = (performance.now() - start) / 1000
    const senderCpu = cpuMicros(process.cpuUsage(cpuBefore)) / total
    const receiverCpu = (cpuMicros((await receiverUsage()).cpu) - receiverBefore) / total
    const latencies = stats.latencies.sort((a, b) => a - b)
    return {
      perSecond: total / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors: stats.failures + stats.retries,
      delivered: latencies.length,
      senderCpu,
      receiverCpu,
    }
  }

  async function runBaseline(inFlight, total, pool) {
    const body = JSON.stringify(payload(0))
    const latencies = []
    let errors = 0
    let next = 0
    async function worker() {
      while (next < total) {
        next++
        const started = performance.now()
        try {
          const response = await pool.request({
            path: '/webhooks',
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          })
          await response.body.dump()
          if (response.statusCode !== 204) errors++
        } catch {
          errors++
        }
        latencies.push(performance.now() - started)
      }
    }
    const receiverBefore = cpuMicros((await receiverUsage()).cpu)
    const cpuBefore = process.cpuUsage()
    const start = performance.now()
    await Promise.all(Array.from({ length: inFlight }, worker))
    const seconds = (performance.now() - start) / 1000
    const senderCpu = cpuMicros(process.cpuUsage(cpuBefore)) / total
    const receiverCpu = (cpuMicros((await receiverUsage()).cpu) - receiverBefore) / total
    latencies.sort((a, b) => a - b)
    return {
      perSecond: total / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      senderCpu,
      receiverCpu,
    }
  }

  // One keep-alive connection per delivery in flight, as the dispatcher's own pool opens by default;
  // the last row also shows 1,000 in flight sharing 128 connections (the `connections` option), which
  // both sides get alike.
  const scenarios = [
    { inFlight: 1, total: 3_000, connections: 1 },
    { inFlight: 100, total: 30_000, connections: 100 },
    { inFlight: 1_000, total: 50_000, connections: 1_000 },
    { inFlight: 1_000, total: 50_000, connections: 128 },
    { inFlight: 1_000, total: 50_000, connections: 1_000, strings: true },
  ]
  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  const loadBefore = os.loadavg()[0]
  const rows = []
  const roundsArg = process.argv.indexOf('--rounds')
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3
  // The round with the median rate of each side (its CPU and latency come from that same round).
  const median = (results) =>
    [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]
  let errorsInAllRounds = 0
  for (const { inFlight, total, connections, strings = false } of scenarios) {
    // Each side warms up on its own keep-alive connections (JIT, sockets, the receiver's allocations),
    // then measures on the same, already open connections, alternating with the other side round by round
    // so that a noisy minute on the machine hits both.
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections, keepAliveTimeout: 60_000 })
    const sender = makeDispatcher(inFlight, connections)
    await runBaseline(inFlight, Math.max(2_000, inFlight * 3), pool)
    await runDispatcher(sender, Math.max(2_000, inFlight * 3), strings)
    const baselines = []
    const measurements = []
    for (let round = 0; round < rounds; round++) {
      baselines.push(await runBaseline(inFlight, total, pool))
      measurements.push(await runDispatcher(sender, total, strings))
    }
    await pool.close()
    await sender.dispatcher.close()
    errorsInAllRounds += measurements.reduce((sum, m) => sum + m.errors, 0)
    const baseline = median(baselines)
    const measured = median(measurements)
    const range = (results) =>
      `${fmt(Math.min(...results.map((r) => r.perSecond)))}–${fmt(Math.max(...results.map((r) => r.perSecond)))}`
    rows.push({
      strings,
      inFlight,
      total,
      connections,
      baseline,
      measured,
      measuredRange: range(measurements),
      baselineRange: range(baselines),
      rss: rssMiB(),
    })
    console.log(
      `${inFlight} in flight / ${connections} connections${strings ? ' (string events)' : ''}: dispatcher ${Math.round(measured.perSecond)}/s [rounds ${range(measurements)}] (p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(2)} ms, errors ${measured.errors}, ` +
        `CPU ${Math.round(measured.senderCpu)} µs sender + ${Math.round(measured.receiverCpu)} µs receiver per delivery), ` +
        `bare undici ${Math.round(baseline.perSecond)}/s [rounds ${range(baselines)}] (${Math.round(baseline.senderCpu)} µs sender + ${Math.round(baseline.receiverCpu)} µs receiver), ratio ${(measured.perSecond / baseline.perSecond).toFixed(2)}, peak RSS ${rssMiB()} MiB`,
    )
  }
  receiver.kill()

  const table = [
    '| in flight | connections | events | event given as | dispatcher deliveries/s (median round) | rounds: min–max | p50 ms | p99 ms | errors | sender CPU µs/delivery | receiver CPU µs/delivery | bare undici POST/s (baseline, median round) | baseline rounds: min–max | baseline sender CPU µs | baseline receiver CPU µs | dispatcher ÷ baseline (rate) | peak RSS MiB (running) |',
    '|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${fmt(r.inFlight)} | ${fmt(r.connections)} | ${fmt(r.total)} | ${r.strings ? 'JSON string' : 'object'} | ${fmt(r.measured.perSecond)} | ${r.measuredRange} | ${r.measured.p50.toFixed(2)} | ${r.measured.p99.toFixed(2)} | ${r.measured.errors} | ${Math.round(r.measured.senderCpu)} | ${Math.round(r.measured.receiverCpu)} | ${fmt(r.baseline.perSecond)} | ${r.baselineRange} | ${Math.round(r.baseline.senderCpu)} | ${Math.round(r.baseline.receiverCpu)} | ${(r.measured.perSecond / r.baseline.perSecond).toFixed(2)} | ${r.rss} |`,
    ),
  ].join('\n')
  console.log(`\n${table}`)
  console.log(`dispatcher errors (failures + retries) over every measured round: ${errorsInAllRounds}`)
  if (process.argv.includes('--write-doc')) {
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
    writeFileSync(
      new URL('../docs/benchmarks/dispatcher.md', import.meta.url),
      `${DOC_HEAD(cpu, loadBefore, os.loadavg()[0], rounds)}\n${table}\n${DOC_TAIL()}`,
    )
  }
}

function DOC_HEAD(cpu, loadBefore, loadAfter, rounds) {
  return `# Dispatcher throughput

\`node benchmarks/dispatcher.mjs --write-doc\` (after \`pnpm build\`). Node ${process.version}, ${os.cpus().length} × ${cpu},
${new Date().toISOString().slice(0, 10)}; 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run
(rates move with whatever else the machine runs; CPU µs per delivery are the steadier figure). The dispatcher and a keep-alive \`node:http\` receiver (answers 204) run in two
processes on the same 2-core machine, so they compete for the same cores. Each event is 1 KiB of JSON;
every delivery is serialised, queued (\`memoryQueue\`, concurrency = in flight), signed (HMAC-SHA256, fresh
timestamp), POSTed with the GUIDE §2 headers through the dispatcher's own keep-alive pool (undici \`Client\`s,
\`connections\` as in the table), classified, and recorded by the hooks. The events are built before the clock
starts and dropped by the benchmark once dispatched. Each row alternates ${rounds} measured rounds of each side after
a warm-up on the same connections and reports the round with the median rate.
Latency is one attempt's HTTP round trip (sign excluded), p50/p99 over every delivery. Baseline, same run,
same receiver: bare undici \`Pool.request\` of one pre-serialised body at the same concurrency over the same
number of keep-alive connections, without serialising, signing, queue or bookkeeping. Peak RSS is the
dispatcher process's running maximum (the benchmark queues every event up front).
`
}

function DOC_TAIL() {
  return `
Target from issue 6: ≥ 10,000 deliveries/s at 1,000 in flight without errors. How to read the table:

- Rates are shared-machine rates: the receiver competes with the dispatcher for the same 2 cores, and so
  does whatever else runs (see the load average above). Compare the dispatcher with the baseline of the
  same run, and prefer the CPU columns, which move much less between runs.
- The sender is one Node process, so its rate is bounded by 1 s ÷ sender CPU per delivery (one core), and
  both processes together by 2 s ÷ (sender + receiver CPU per delivery).
- Latency is one attempt's HTTP round trip. With many in flight it is mostly waiting for a turn on a
  saturated CPU (Little's law: in flight ÷ rate), not per-request cost.
`
}
