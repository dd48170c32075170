#!/usr/bin/env node
// Hono on @hono/node-server: requests/second of a route behind ledgerlyWebhook() vs the same route
// reading the raw body and parsing JSON itself (no verification), 1 KiB bodies, measured in one run.
//
//   pnpm --filter @ledgerly/webhooks-hono build && node benchmarks/hono-adapter.mjs [--write]
//
// The servers run in a child process so autocannon does not share its event loop. Rounds alternate
// (baseline, verified, baseline, verified…) so drift on a shared machine hits both sides alike.
import { fork } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, cpus, loadavg, platform } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'

// Dependencies live in packages/hono (its devDependencies), not in this folder.
const honoPackage = new URL('../packages/hono/', import.meta.url)
const requireFromHono = createRequire(new URL('package.json', honoPackage))
const load = (name) => import(pathToFileURL(requireFromHono.resolve(name)).href)
const versionOf = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, honoPackage), 'utf8')).version

const SECRET = 'benchmark-secret'
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION = Number(process.env.BENCH_SECONDS ?? 8)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)

function body1KiB() {
  const base = {
    event: 'entry_persisted',
    data: { id: 'entry_bench', action: 'invoice.updated', severity: 'info', note: '' },
  }
  const padding = 1024 - JSON.stringify(base).length
  base.data.note = 'x'.repeat(padding)
  const text = JSON.stringify(base)
  if (Buffer.byteLength(text) !== 1024) throw new Error('body is not 1 KiB')
  return text
}

async function serve() {
  const { Hono } = await load('hono')
  const { serve: serveNode } = await load('@hono/node-server')
  const { ledgerlyWebhook } = await import(new URL('dist/index.js', honoPackage).href)

  const baseline = new Hono()
  baseline.post('/webhooks', async (c) => {
    const parsed = JSON.parse(new TextDecoder().decode(await c.req.arrayBuffer()))
    return c.body(parsed.event ? null : 'no event', 204)
  })
  const verified = new Hono()
  verified.post('/webhooks', ledgerlyWebhook({ secret: SECRET }), (c) =>
    c.body(c.get('ledgerly').event ? null : 'no event', 204),
  )

  const ports = {}
  for (const [name, app] of Object.entries({ baseline, verified })) {
    ports[name] = await new Promise((resolve) => {
      serveNode({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port))
    })
  }
  process.send({ ports })
}

async function measure(autocannon, url, headers, body) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections: CONNECTIONS,
    duration: DURATION,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors — the benchmark is invalid`,
    )
  }
  return { rps: result.requests.average, p99: result.latency.p99 }
}

async function main() {
  const { default: autocannon } = await load('autocannon')
  const { sign } = await import(pathToFileURL(requireFromHono.resolve('@ledgerly/webhooks')).href)
  const child = fork(fileURLToPath(import.meta.url), ['serve'], { stdio: 'inherit' })
  const { ports } = await new Promise((resolve) => child.once('message', resolve))
  try {
    const body = body1KiB()
    const headers = { 'content-type': 'application/json', ...(await sign(body, { secret: SECRET })) }
    const urls = {
      baseline: `http://127.0.0.1:${ports.baseline}/webhooks`,
      verified: `http://127.0.0.1:${ports.verified}/webhooks`,
    }
    // Warm-up: JIT and connection pools on both sides.
    for (const url of Object.values(urls))
      await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 })
    const loadBefore = loadavg()[0]
    const samples = { baseline: [], verified: [] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['baseline', 'verified']) {
        const sample = await measure(autocannon, urls[name], headers, body)
        samples[name].push(sample)
        console.error(`round ${round + 1} ${name}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms`)
      }
    }
    const mean = (list, key) => list.reduce((sum, item) => sum + item[key], 0) / list.length
    const baselineRps = mean(samples.baseline, 'rps')
    const verifiedRps = mean(samples.verified, 'rps')
    const ratio = verifiedRps / baselineRps
    // Each round pairs two back-to-back runs; the median of their ratios resists a noisy neighbour.
    const pairRatios = samples.verified.map((v, i) => v.rps / samples.baseline[i].rps).sort((a, b) => a - b)
    const medianRatio = pairRatios[Math.floor(pairRatios.length / 2)]
    const report = `# Hono adapter benchmark

\`benchmarks/hono-adapter.mjs\` — Hono ${versionOf('hono')} on @hono/node-server
${versionOf('@hono/node-server')}, Node ${process.version}, ${platform()}/${arch()}, ${cpus().length} CPU(s)
(${cpus()[0]?.model ?? 'unknown CPU'}). autocannon, ${CONNECTIONS} connections, POST of a 1 KiB signed JSON body,
${ROUNDS} alternating rounds of ${DURATION} s per route after a 2 s warm-up; both routes in one server process.

| Route | Requests/s (mean) | p99 latency (ms, mean) |
| --- | ---: | ---: |
| Baseline: \`c.req.arrayBuffer()\` + \`JSON.parse\`, no verification | ${baselineRps.toFixed(0)} | ${mean(samples.baseline, 'p99').toFixed(1)} |
| \`ledgerlyWebhook({ secret })\` (raw body + HMAC-SHA256 + timestamp + JSON) | ${verifiedRps.toFixed(0)} | ${mean(samples.verified, 'p99').toFixed(1)} |

**Verified / baseline: ${(ratio * 100).toFixed(1)}%** of the means; median of the per-round ratios
${(medianRatio * 100).toFixed(1)}% (target ≥ 90%).

Per round (req/s): baseline ${samples.baseline.map((x) => x.rps.toFixed(0)).join(', ')}; verified
${samples.verified.map((x) => x.rps.toFixed(0)).join(', ')}. Load average before the run: ${loadBefore.toFixed(1)}
(on ${cpus().length} CPUs) — compare the ratio, not the absolute numbers, on a shared machine.
`
    console.log(report)
    if (process.argv.includes('--write')) {
      writeFileSync(new URL('../docs/benchmarks/hono.md', import.meta.url), report)
      console.error('wrote docs/benchmarks/hono.md')
    }
  } finally {
    child.kill()
  }
}

if (process.argv[2] === 'serve') await serve()
else await main()
