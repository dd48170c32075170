// Core verify benchmark (issue 2, "Speed and size"): our three crypto paths against their raw primitives
// and against the peers a user would pick instead, same payloads, same run. `node core-verify.bench.mjs`
// (pnpm bench), `--quick` for a short smoke run. Progress goes to stderr; the Markdown report to stdout.
import { cpus } from 'node:os'
import { do_not_optimize, measure } from 'mitata'
import { buildFixture, SHAPES, SIZES, standardWebhooksHeaders } from './core/fixtures.mjs'
import { jsonOnly, nodeBuild, ourPaths, ourSignaturePaths, ourVerifiers, webBuild } from './core/ours.mjs'
import { peerPaths } from './core/peers.mjs'
import { rawVerifiers } from './core/raw.mjs'
import { wrongHexTag } from './core/raw-web.mjs'
import { formatRate, formatRatio, formatTime, markdownTable } from './core/report.mjs'
import { checkResult, ROWS, versions } from './core/rows.mjs'
import { setupCosts } from './core/setup-costs.mjs'

const quick = process.argv.includes('--quick')
// Other work may share the cores, so the clock is this process's CPU time (all its threads: the libuv pool
// that runs Web Crypto included), not wall time, which counts time spent preempted. Every row is measured
// in several short rounds and the least disturbed round (lowest mean) is kept; baselines and our paths
// alternate within each round.
const rounds = quick ? 1 : 3
function cpuNow() {
  const { user, system } = process.cpuUsage()
  return (user + system) * 1e3
}
const measureOptions = {
  now: cpuNow,
  ...(quick ? { min_cpu_time: 50e6, min_samples: 4 } : { min_cpu_time: 120e6, min_samples: 4 }),
}
const startedAt = new Date()
const timestamp = Math.floor(startedAt.getTime() / 1000)
const verifiers = ourVerifiers(timestamp)

/** Wraps a function for mitata: awaited only if it returns a promise, so sync paths pay no microtask. */
async function prepare(label, fn, expect) {
  const first = fn()
  checkResult(label, first instanceof Promise ? await first : first, expect)
  if (first instanceof Promise) {
    return async function iterationAsync() {
      do_not_optimize(await fn())
    }
  }
  return function iteration() {
    do_not_optimize(fn())
  }
}

/** Measures one prepared function; keeps the best of `rounds` in `best[label]` (mitata stats, ns). */
async function measureInto(best, label, iteration) {
  const stats = await measure(iteration, measureOptions)
  if (!best[label] || stats.avg < best[label].avg) best[label] = stats
}

/** Checks and measures one function over all rounds (for the setup-cost table). */
async function timed(label, fn, expect) {
  const iteration = await prepare(label, fn, expect)
  const best = {}
  for (let round = 0; round < rounds; round++) await measureInto(best, label, iteration)
  process.stderr.write(`  ${label.padEnd(40)} ${formatTime(best[label].avg).padStart(10)}\n`)
  return best[label]
}

async function benchSize(size) {
  process.stderr.write(`${size.label}\n`)
  const fixtures = {}
  for (const shape of Object.keys(SHAPES))
    fixtures[shape] = buildFixture(size, shape, timestamp, nodeBuild.signSync)
  const fns = {}
  for (const [shape, fixture] of Object.entries(fixtures)) {
    for (const [id, fn] of Object.entries(ourPaths(verifiers, fixture))) fns[`${id}@${shape}`] = fn
    fns[`json@${shape}`] = jsonOnly(fixture)
  }
  const base = fixtures.string
  for (const [id, fn] of Object.entries(ourSignaturePaths(verifiers, base))) fns[`${id}@string`] = fn
  Object.assign(fns, rawVerifiers(base))
  const wrongTag = rawVerifiers(base, wrongHexTag(base.hexTag))
  for (const [id, fn] of Object.entries(wrongTag)) checkResult(`${id} (wrong tag)`, await fn(), false)
  const swHeaders = standardWebhooksHeaders(base.body, nodeBuild.signSync)
  fns['node-sync-sw@string'] = () =>
    verifiers.nodeStandard.verifySync({ payload: base.body, headers: swHeaders })
  Object.assign(fns, peerPaths(base, swHeaders))

  const iterations = {}
  for (const row of ROWS) iterations[row.id] = await prepare(row.id, fns[row.id], row.expect)
  const stats = {}
  for (let round = 0; round < rounds; round++) {
    for (const row of ROWS) await measureInto(stats, row.id, iterations[row.id])
  }
  for (const row of ROWS)
    process.stderr.write(`  ${row.id.padEnd(40)} ${formatTime(stats[row.id].avg).padStart(10)}\n`)
  return { size, stats }
}

function rawRatio(row, stats) {
  if (!row.raw) return ''
  const best = row.raw.reduce((a, b) => (stats[a].avg <= stats[b].avg ? a : b))
  return `${formatRatio(stats[row.id].avg, stats[best].avg)}${row.raw.length > 1 ? ` (${best})` : ''}`
}

const KIND = { full: 'verify', signature: 'signature only', other: 'verify (SW scheme)' }

function peerRatios(row, stats) {
  return (
    row.peers?.map((peer) => `${peer} ${formatRatio(stats[row.id].avg, stats[peer].avg)}`).join(', ') ?? ''
  )
}

function sizeTable({ size, stats }) {
  const header = ['path', 'does', 'time/iter', 'throughput', '× raw', '× peers doing the same work']
  const rows = ROWS.map((row) => [
    row.ours ? `**${row.id}**` : row.id,
    row.ours ? KIND[row.kind] : '',
    formatTime(stats[row.id].avg),
    formatRate(size.bytes, stats[row.id].avg),
    rawRatio(row, stats),
    peerRatios(row, stats),
  ])
  return `### ${size.label}\n\n${markdownTable(header, rows)}`
}

function jsonTable(results) {
  const paths = ['node-sync', 'web-async', 'web-sync']
  const header = ['size', 'shape', 'decode + JSON.parse', ...paths.map((path) => `share of ${path}`)]
  const rows = []
  for (const { size, stats } of results) {
    for (const shape of Object.keys(SHAPES)) {
      const json = stats[`json@${shape}`].avg
      const share = (path) => `${((json / stats[`${path}@${shape}`].avg) * 100).toFixed(0)} %`
      rows.push([size.label, shape, formatTime(json), ...paths.map(share)])
    }
  }
  return markdownTable(header, rows)
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED'
}

function targets(results) {
  const lines = []
  for (const { size, stats } of results) {
    for (const row of ROWS.filter((candidate) => candidate.ours && candidate.kind !== 'other')) {
      if (row.id.endsWith('@object')) continue
      const ratio = stats[row.id].avg / Math.min(...row.raw.map((id) => stats[id].avg))
      const behind = row.peers.filter((peer) => stats[peer].avg <= stats[row.id].avg)
      const peers = row.peers.length === 0 ? '' : behind.length === 0 ? ', ahead of ' : ', NOT ahead of '
      const names = behind.length === 0 ? row.peers.join(', ') : behind.join(', ')
      const ok = ratio <= 1.2 && behind.length === 0
      lines.push(`- ${size.label} ${row.id}: ${ratio.toFixed(2)}× raw${peers}${names} → ${verdict(ok)}`)
    }
    if (size.bytes === 1024 * 1024) {
      for (const id of ['node-sync@string', 'node-sync-signature@string']) {
        const rate = (size.bytes / stats[id].avg) * 1e9
        lines.push(
          `- 1 MiB ${id}: ${(rate / 1e9).toFixed(2)} GB/s (target ≥ 1 GB/s) → ${verdict(rate >= 1e9)}`,
        )
      }
    }
  }
  return lines.join('\n')
}

const results = []
for (const size of SIZES) results.push(await benchSize(size))
process.stderr.write('setup costs (1 KiB)\n')
const setup = await setupCosts(
  timed,
  buildFixture(SIZES[0], 'string', timestamp, nodeBuild.signSync),
  verifiers,
)

const cpu = cpus()
console.log(
  `## Core verify benchmark — ${startedAt.toISOString()}${quick ? ' (--quick, not for publishing)' : ''}\n`,
)
console.log(
  `Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, mean CPU time per iteration (process.cpuUsage, all threads), best of ${rounds} rounds.`,
)
console.log(
  `Packages: ${versions()}. Builds: node condition → ${nodeBuild.cryptoBackend}, default → ${webBuild.cryptoBackend}.`,
)
console.log('Ratios are time ÷ time: below 1.00× ours is faster. Rows in bold are ours.\n')
for (const result of results) console.log(`${sizeTable(result)}\n`)
console.log(`### Targets (string bodies)\n\n${targets(results)}\n`)
console.log(`### JSON share of our verify\n\n${jsonTable(results)}\n`)
console.log(`### Setup costs and the free functions (1 KiB string body)\n\n${setup}`)
