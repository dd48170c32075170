#!/usr/bin/env node
// Requests per second of an Express 5 route verified by ledgerlyWebhook() against the same route with only
// express.raw() (no verification), 1 KiB bodies, measured with autocannon in one run. Each server runs in
// its own child process, one at a time, and the order of the variants rotates every round so drift on the
// machine hits them alike.
//
// Two baselines, because the verified route also parses the JSON (req.ledgerly.data is ready): `raw`
// parses nothing (what express.raw() alone costs), `raw-json` parses the body in its handler (what a route
// that reads the event without verifying it costs). The verified route's handler parses nothing more.
//
//   pnpm --filter @ledgerly/webhooks-express... build && node benchmarks/express-adapter.mjs [--duration 5] [--rounds 3]
//
// Dependencies (express, autocannon) resolve from packages/express, which has them as devDependencies.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { middlewareAlone } from './express/middleware-alone.mjs'

const adapterDir = fileURLToPath(new URL('../packages/express/', import.meta.url))
const requireFromAdapter = createRequire(`${adapterDir}package.json`)
const adapterEntry = `${adapterDir}dist/index.js`
const SECRET = 'benchmark-secret-not-for-production'
const TOLERANCE = 24 * 3600 // signed once, replayed for the whole run

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}

async function importFromAdapter(name) {
  return import(pathToFileURL(requireFromAdapter.resolve(name)).href)
}

/** Child side: serve one variant on 127.0.0.1 and report the port. */
async function serve(variant) {
  const { default: express } = await importFromAdapter('express')
  const { ledgerlyWebhook } = await import(pathToFileURL(adapterEntry).href)
  const app = express()
  if (variant === 'verified') {
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, tolerance: TOLERANCE }), (_req, res) => {
      res.sendStatus(204)
    })
  } else {
    const parse = variant === 'raw-json'
    app.post('/webhooks', express.raw({ type: '*/*', limit: '10mb' }), (req, res) => {
      // The work the verifier does after the HMAC: the event as an object (what a handler reads).
      if (parse && typeof JSON.parse(req.body).event !== 'string') throw new Error('bad body')
      res.sendStatus(204)
    })
  }
  const server = createServer(app).listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  process.on('message', (message) => {
    // CPU time spent by this server process, so contention from other processes on the machine does not
    // decide the comparison: requests per CPU-second is what the middleware costs.
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage()
      process.send({ cpuMicros: user + system })
    } else server.close(() => process.exit(0))
  })
}

/** A 1 KiB `entry_persisted` body. */
function kibBody() {
  const head =
    '{"event":"entry_persisted","data":{"id":"01HBENCH","action":"invoice.paid","severity":"info","pad":"'
  const tail = '"}}'
  return head + 'x'.repeat(1024 - head.length - tail.length) + tail
}

async function measure(variant, request, duration) {
  const autocannon = requireFromAdapter('autocannon')
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant], { stdio: 'inherit' })
  const port = await new Promise((resolve) => child.once('message', (message) => resolve(message.port)))
  const options = { url: `http://127.0.0.1:${port}/webhooks`, method: 'POST', connections: 10, ...request }
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', (message) => resolve(message.cpuMicros))
      child.send('cpu')
    })
  await autocannon({ ...options, duration: 1 }) // warm-up, not counted
  const cpuBefore = await cpu()
  const result = await autocannon({ ...options, duration })
  const cpuSeconds = ((await cpu()) - cpuBefore) / 1e6
  child.send('stop')
  await new Promise((resolve) => child.once('exit', resolve))
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${variant}: ${result.non2xx} non-2xx answers and ${result.errors} errors — the benchmark is not measuring success`,
    )
  }
  return { rps: result.requests.average, perCpuSecond: result.requests.total / cpuSeconds }
}

async function main() {
  if (!existsSync(adapterEntry)) {
    console.error(`${adapterEntry} is missing: run pnpm --filter @ledgerly/webhooks-express... build first`)
    process.exit(1)
  }
  const duration = argument('duration', 5)
  const rounds = argument('rounds', 3)
  const { signSync } = await importFromAdapter('@ledgerly/webhooks')
  const body = kibBody()
  const headers = { 'content-type': 'application/json', ...signSync(body, { secret: SECRET }) }
  const request = { body, headers }
  const variants = ['raw', 'raw-json', 'verified']
  const samples = Object.fromEntries(variants.map((variant) => [variant, []]))
  for (let round = 1; round <= rounds; round++) {
    // Rotated each round: no variant always runs first, or always right after another one.
    const order = variants.map((_, i) => variants[(i + round - 1) % variants.length])
    for (const variant of order) {
      const sample = await measure(variant, request, duration)
      samples[variant].push(sample)
      console.error(
        `round ${round}/${rounds} ${variant}: ${sample.rps.toFixed(0)} req/s, ${sample.perCpuSecond.toFixed(0)} req per server CPU-second`,
      )
    }
  }
  // Medians: one round disturbed by another process on the machine should not move the result.
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    const middle = Math.floor(sorted.length / 2)
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
  const summary = (variant, key) => median(samples[variant].map((sample) => sample[key]))
  const best = (variant, key) => Math.max(...samples[variant].map((sample) => sample[key]))
  const list = (variant, key) => samples[variant].map((sample) => sample[key].toFixed(0)).join(', ')
  const ratios = (baseline) => ({
    rps: summary('verified', 'rps') / summary(baseline, 'rps'),
    bestRps: best('verified', 'rps') / best(baseline, 'rps'),
    cpu: summary('verified', 'perCpuSecond') / summary(baseline, 'perCpuSecond'),
    bestCpu: best('verified', 'perCpuSecond') / best(baseline, 'perCpuSecond'),
    // Each round's verified req/s over the same round's baseline: drift between rounds cancels out.
    perRound: samples.verified.map((sample, i) => sample.rps / samples[baseline][i].rps),
  })
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0].toFixed(1)} at the end`
  console.log(
    `\nExpress 5, 1 KiB bodies, autocannon 10 connections, ${rounds} alternating rounds × ${duration} s per variant, Node ${process.versions.node}, ${machine}\n`,
  )
  console.log(
    '| route | req/s (median) | req/s (best) | req per server CPU-second (median) | (best) | req/s per round |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | --- |')
  const labels = {
    raw: '`express.raw()` only (baseline)',
    'raw-json': '`express.raw()` + `JSON.parse` in the handler',
    verified: '`ledgerlyWebhook()` (verifies and parses)',
  }
  for (const variant of variants) {
    console.log(
      `| ${labels[variant]} | ${summary(variant, 'rps').toFixed(0)} | ${best(variant, 'rps').toFixed(0)} | ${summary(variant, 'perCpuSecond').toFixed(0)} | ${best(variant, 'perCpuSecond').toFixed(0)} | ${list(variant, 'rps')} |`,
    )
  }
  const percent = (ratio) => `**${(ratio * 100).toFixed(1)}%**`
  const verdict = (ratio) => (ratio >= 0.9 ? 'met' : 'NOT met')
  const verdicts = []
  for (const baseline of ['raw', 'raw-json']) {
    const ratio = ratios(baseline)
    console.log(
      `| verified / ${baseline} | ${percent(ratio.rps)} | ${percent(ratio.bestRps)} | ${percent(ratio.cpu)} | ${percent(ratio.bestCpu)} | ${ratio.perRound.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')} |`,
    )
    verdicts.push(
      `vs ${baseline}: median req/s ${verdict(ratio.rps)} (median of per-round ratios ${(median(ratio.perRound) * 100).toFixed(1)}%); best req/s ${verdict(ratio.bestRps)}; server CPU cost ${verdict(ratio.cpu)} (best ${verdict(ratio.bestCpu)})`,
    )
  }
  console.log(`\nTarget (≥ 90% of the baseline):\n- ${verdicts.join('\n- ')}`)

  // Second table: the middlewares alone, without HTTP (see express/middleware-alone.mjs).
  const { default: express } = await importFromAdapter('express')
  const { ledgerlyWebhook } = await import(pathToFileURL(adapterEntry).href)
  const rawParser = express.raw({ type: '*/*' })
  const alone = await middlewareAlone(
    {
      raw: rawParser,
      'raw-json': function rawThenParse(req, res, next) {
        rawParser(req, res, (error) => {
          if (error) next(error)
          else if (typeof JSON.parse(req.body).event !== 'string') next(new Error('bad body'))
          else next()
        })
      },
      verified: ledgerlyWebhook({ secret: SECRET, tolerance: TOLERANCE }),
    },
    {
      headers: {
        ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        // Without it, express.raw() sees "no body" (type-is hasBody) and skips reading: the baseline
        // would then measure nothing at all.
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    },
  )
  console.log(
    '\nThe middlewares alone, in process, no HTTP (hand-built request, 1 KiB body; median µs per request):\n',
  )
  console.log('| middleware | µs per request | per round |')
  console.log('| --- | ---: | --- |')
  for (const variant of variants) {
    const { median, values } = alone[variant]
    console.log(
      `| ${labels[variant]} | ${median.toFixed(1)} | ${values.map((v) => v.toFixed(1)).join(', ')} |`,
    )
  }
  console.log(`| added by verification | ${(alone.verified.median - alone.raw.median).toFixed(1)} | |`)
  console.log(
    `| added over raw + JSON.parse | ${(alone.verified.median - alone['raw-json'].median).toFixed(1)} | |`,
  )
}

const serveIndex = process.argv.indexOf('--serve')
if (serveIndex === -1) await main()
else await serve(process.argv[serveIndex + 1])
