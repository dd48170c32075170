#!/usr/bin/env node
// claim + complete per second for memoryStore and redisStore (sequential and auto-pipelined), against
// baselines measured in the same run: a bare Map set + get, and bare Redis SET (sequential and pipelined).
// Also the heap used by memoryStore holding 1,000,000 keys, and by the default-bounded store after
// 1,000,000 distinct keys went through it. Starts its own redis-server (no persistence) on a free port.
//
//   pnpm --filter @ledgerly/webhooks build && pnpm --filter @ledgerly/webhooks-redis build
//   node --expose-gc benchmarks/idempotency.mjs [--write docs/benchmarks/idempotency.md]
//
// ioredis and the built packages resolve from packages/redis, which has them as (dev)dependencies.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { cpus } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'

const redisDir = fileURLToPath(new URL('../packages/redis/', import.meta.url))
const requireFromRedis = createRequire(`${redisDir}package.json`)
const importFromRedis = (name) => import(pathToFileURL(requireFromRedis.resolve(name)).href)

const { Redis } = await importFromRedis('ioredis')
const { memoryStore } = await importFromRedis('@ledgerly/webhooks/idempotency')
const { redisStore } = await import(pathToFileURL(`${redisDir}dist/index.js`).href)

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc so heap measurements are meaningful.')
  process.exit(2)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function startRedis() {
  const port = await freePort()
  const child = spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ])
  await new Promise((resolve, reject) => {
    let output = ''
    child.once('error', (error) =>
      reject(
        error.code === 'ENOENT' ? new Error('redis-server missing: apt-get install -y redis-server') : error,
      ),
    )
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) resolve()
    })
  })
  return { port, stop: () => child.kill('SIGTERM') }
}

/** Runs `body(count)` `rounds` times after one warm-up; returns the best operations per second. */
async function measure(count, body, rounds = 3) {
  await body(Math.max(1, Math.floor(count / 10)), 'warmup')
  let best = 0
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint()
    await body(count, round)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    best = Math.max(best, count / seconds)
  }
  return best
}

/** Runs `operation(i)` for i < count with at most `inFlight` pending at once. */
async function concurrently(count, inFlight, operation) {
  let next = 0
  async function lane() {
    while (next < count) await operation(next++)
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
}

let run = 0
const key = (index) => `ledgerly:entry_persisted:entry_${run}_${index}`

const results = []
function record(name, perSecond, baselineName) {
  const baseline = results.find((result) => result.name === baselineName)
  results.push({
    name,
    perSecond,
    ratio: baseline ? perSecond / baseline.perSecond : undefined,
    baselineName,
  })
  console.log(`${name}: ${Math.round(perSecond).toLocaleString('en-US')}/s`)
}

// --- in memory ---
record(
  'baseline: Map set + get',
  await measure(1_000_000, (count) => {
    const map = new Map()
    run++
    for (let index = 0; index < count; index++) {
      map.set(key(index), { done: true, expiresAt: index })
      map.get(key(index))
    }
  }),
)
record(
  'memoryStore claim + complete',
  await measure(1_000_000, async (count) => {
    const store = memoryStore()
    run++
    for (let index = 0; index < count; index++) {
      await store.claim(key(index), 30_000)
      await store.complete(key(index), 86_400_000)
    }
  }),
  'baseline: Map set + get',
)

// --- memory of the memory store ---
function heapAfterGc() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}
async function heapOf(maxEntries) {
  const before = heapAfterGc()
  const store = memoryStore({ maxEntries })
  run++
  for (let index = 0; index < 1_000_000; index++) {
    await store.claim(key(index), 30_000)
    await store.complete(key(index), 86_400_000)
  }
  const bytes = heapAfterGc() - before
  return { bytes, size: store.size }
}
const full = await heapOf(1_000_000)
const bounded = await heapOf(undefined)
console.log(`memoryStore 1,000,000 keys held: ${(full.bytes / 2 ** 20).toFixed(1)} MiB`)
console.log(
  `memoryStore default bound after 1,000,000 keys: ${bounded.size} held, ${(bounded.bytes / 2 ** 20).toFixed(1)} MiB`,
)

// --- Redis ---
const server = await startRedis()
const url = `redis://127.0.0.1:${server.port}`
const plain = new Redis(url)
let redisBytesPerKey = 0
const pipelined = new Redis(url, { enableAutoPipelining: true })
try {
  record(
    'baseline: Redis SET, sequential',
    await measure(20_000, async (count) => {
      run++
      for (let index = 0; index < count; index++) await plain.set(key(index), 'done', 'PX', 86_400_000)
    }),
  )
  const sequentialStore = redisStore({ client: plain, prefix: 'bench:' })
  record(
    'redisStore claim + complete, sequential',
    await measure(10_000, async (count) => {
      run++
      for (let index = 0; index < count; index++) {
        await sequentialStore.claim(key(index), 30_000)
        await sequentialStore.complete(key(index), 86_400_000)
      }
    }),
    'baseline: Redis SET, sequential',
  )
  record(
    'baseline: Redis SET, pipelined (100 in flight)',
    await measure(200_000, async (count) => {
      run++
      await concurrently(count, 100, (index) => pipelined.set(key(index), 'done', 'PX', 86_400_000))
    }),
  )
  const pipelinedStore = redisStore({ client: pipelined, prefix: 'bench:' })
  record(
    'redisStore claim + complete, pipelined (100 in flight)',
    await measure(100_000, async (count) => {
      run++
      await concurrently(count, 100, async (index) => {
        await pipelinedStore.claim(key(index), 30_000)
        await pipelinedStore.complete(key(index), 86_400_000)
      })
    }),
    'baseline: Redis SET, pipelined (100 in flight)',
  )
  // Redis memory per done mark: used_memory before and after 100,000 completed keys.
  await plain.flushall()
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await plain.info('memory'))[1])
  const emptyBytes = await usedMemory()
  const defaultPrefixStore = redisStore({ client: pipelined })
  run++
  await concurrently(100_000, 100, async (index) => {
    await defaultPrefixStore.claim(key(index), 30_000)
    await defaultPrefixStore.complete(key(index), 86_400_000)
  })
  redisBytesPerKey = ((await usedMemory()) - emptyBytes) / 100_000
  console.log(`Redis memory per done mark: ${Math.round(redisBytesPerKey)} B`)
} finally {
  plain.disconnect()
  pipelined.disconnect()
  server.stop()
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const lines = [
  '# Idempotency benchmark',
  '',
  `Measured by \`node --expose-gc benchmarks/idempotency.mjs\` on Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim()}, redis-server on 127.0.0.1 (no persistence). Best of 3 rounds after a warm-up. Ratios are against the baseline measured in the same run. A "claim + complete" is the full work \`runOnce\` does around a successful handler (2 store operations, each a Lua script for Redis); a baseline is ONE bare operation. The machine is shared with other jobs, so numbers vary between runs (two runs gave 0.32× and 0.54× for the sequential redisStore row): read them as "claim + complete costs about two bare round trips", not as exact figures.`,
  '',
  '| operation | per second | vs baseline |',
  '| --- | ---: | --- |',
  ...results.map(
    (result) =>
      `| ${result.name} | ${Math.round(result.perSecond).toLocaleString('en-US')} | ${
        result.ratio === undefined
          ? 'baseline'
          : `${result.ratio.toFixed(2)}× ${result.baselineName.replace('baseline: ', '')}`
      } |`,
  ),
  '',
  '| memoryStore heap (after GC) | entries held | heap | per entry |',
  '| --- | ---: | ---: | ---: |',
  `| \`maxEntries: 1_000_000\`, 1,000,000 keys | ${full.size.toLocaleString('en-US')} | ${mib(full.bytes)} | ${Math.round(full.bytes / full.size)} B |`,
  `| default bound (100,000), after 1,000,000 distinct keys | ${bounded.size.toLocaleString('en-US')} | ${mib(bounded.bytes)} | ${Math.round(bounded.bytes / bounded.size)} B |`,
  '',
  `Redis memory per done mark (\`used_memory\` before and after 100,000 completed keys with the default prefix): ${Math.round(redisBytesPerKey)} B.`,
  '',
  'Keys look like `ledgerly:entry_persisted:entry_<n>` (about 35 characters). The default bound keeps the memory',
  'store near the second row whatever the traffic. Its count bound is also asserted in',
  '`packages/core/test/idempotency/memory-store.test.ts` (1,000,000 keys → never more than 100,000 held).',
  '',
]
const writeIndex = process.argv.indexOf('--write')
if (writeIndex !== -1) {
  const target = fileURLToPath(
    new URL(`../${process.argv[writeIndex + 1] ?? 'docs/benchmarks/idempotency.md'}`, import.meta.url),
  )
  writeFileSync(target, lines.join('\n'))
  console.log(`wrote ${target}`)
} else {
  console.log(`\n${lines.join('\n')}`)
}
