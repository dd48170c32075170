// Our web build (packages/core/dist/index.js: Web Crypto for `verify`, @noble/hashes for `verifySync`) on the
// runtime that runs it, against its raw primitives and the peers that run there. One file, unchanged on each
// runtime; run it from benchmarks/ (where package.json and node_modules resolve the peers):
//
//   node --expose-gc core/web-runtimes.mjs
//   bun core/web-runtimes.mjs
//   deno run -A --v8-flags=--expose-gc core/web-runtimes.mjs
//
// or all three in a row: `pnpm --filter @ledgerly/benchmarks bench:core-web-runtimes` (core/web-runtimes-all.mjs).
// Deno needs no extra flag for the bare specifiers: it finds benchmarks/package.json and, in its default
// "manual" node_modules mode, resolves them from the node_modules that pnpm installed. The gc flags only let
// mitata collect garbage before each measurement (without one it skips that). `--quick` is a smoke run
// (20 ms of samples per row, 1 round) whose figures are not worth publishing. Progress goes to stderr, the
// Markdown report to stdout.
//
// Only web APIs are used on the timed and fixture paths (TextEncoder, crypto.subtle, noble), so every
// runtime runs the same code; `node:fs` is read (in a try) only for the package versions in the header.
// The raw baselines (raw-web.mjs) and the request headers (request-headers.mjs) are shared with the Node
// benchmark through modules that are runtime-neutral too.
import { bytesToHex } from '@noble/hashes/utils.js'
import { do_not_optimize, measure } from 'mitata'
import { signedContent, webKeys, webRawVerifiers, wrongHexTag } from './raw-web.mjs'
import { formatRate, formatRatio, formatTime, markdownTable } from './report.mjs'
import { requestHeaders } from './request-headers.mjs'

const args = globalThis.Deno?.args ?? globalThis.process?.argv.slice(2) ?? []
const quick = args.includes('--quick')

// Our web build, by path: Node, Bun and Deno would all pick the node build through the `node` condition.
const ours = await import(new URL('../../packages/core/dist/index.js', import.meta.url).href)
if (ours.cryptoBackend !== 'web') throw new Error(`expected the web build, got ${ours.cryptoBackend}`)

function runtimeName() {
  if (globalThis.Deno?.version) return `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`
  if (globalThis.Bun?.version) return `Bun ${Bun.version}`
  if (globalThis.process?.versions?.node) return `Node ${process.version} (V8 ${process.versions.v8})`
  return 'unknown runtime'
}
const runtime = runtimeName()

// ---- Fixtures (runtime-neutral; fixtures.mjs uses node:crypto and Buffer) ---------------------------------

/** Same secrets as fixtures.mjs: the Ledgerly secret's UTF-8 bytes are the HMAC key (Stripe and Octokit too). */
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'
/** A Standard Webhooks secret: base64 of 32 bytes after `whsec_` (the same value as fixtures.mjs). */
const SW_SECRET = `whsec_${btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))}`

const SIZES = [
  { label: '1 KiB', bytes: 1024 },
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
]

const HEAD = '{"event":"entry_persisted","data":{"id":"ent_01J9ZK3Q8R","action":"invoice.updated",'
const ACTOR = '"actor":{"type":"user","id":"usr_42","name":"Ada"},"target":{"type":"invoice","id":"inv_9"},'
const encoder = new TextEncoder()
const keyBytes = encoder.encode(SECRET)

/** The `string` shape of fixtures.mjs: the envelope plus one large string field, exactly `bytes` long. */
function stringBody(bytes) {
  const prefix = `${HEAD}${ACTOR}"severity":"info","metadata":{"note":"`
  const suffix = '"}}}'
  const room = bytes - prefix.length - suffix.length
  if (room < 0) throw new RangeError(`body shape does not fit in ${bytes} bytes`)
  return prefix + 'x'.repeat(room) + suffix
}

async function subtleHex(key, message) {
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, message)))
}

/**
 * One size: body bytes, the Ledgerly headers (made by our signer and checked against Web Crypto), the hex
 * tag, the Octokit signature (GitHub signs the body alone) and Standard Webhooks headers signed now (that
 * library checks the tolerance against Date.now). All built before any timing starts.
 */
async function buildFixture(size, timestamp, subtleKey) {
  const text = stringBody(size.bytes)
  const body = encoder.encode(text)
  if (body.length !== size.bytes) throw new Error(`body is ${body.length} bytes, not ${size.bytes}`)
  JSON.parse(text)
  const signed = ours.signSync(body, { secret: SECRET, timestamp })
  const hexTag = await subtleHex(subtleKey, signedContent(timestamp, body))
  if (signed['x-ledgerly-signature'] !== `t=${timestamp},v1=${hexTag}`) {
    throw new Error('our signer and crypto.subtle disagree on the tag')
  }
  const headers = requestHeaders(body, signed)
  const swHeaders = ours.signSync(body, {
    secret: SW_SECRET,
    scheme: 'standard-webhooks',
    id: 'msg_bench',
    timestamp: Math.floor(Date.now() / 1000),
  })
  return {
    size,
    body,
    timestamp,
    headers,
    signatureHeader: signed['x-ledgerly-signature'],
    hexTag,
    octokitSignature: `sha256=${await subtleHex(subtleKey, body)}`,
    swHeaders,
  }
}

// ---- Peers (each loaded in a try: one that cannot load on this runtime is skipped with a note) -----------

const notes = []

async function loadPeer(name, load) {
  try {
    return await load()
  } catch (error) {
    notes.push(`\`${name}\` skipped: it did not load on ${runtime} (${error?.message ?? error}).`)
    return undefined
  }
}

const peerLibraries = {
  standardwebhooks: await loadPeer('standardwebhooks', async () => {
    const { Webhook } = await import('standardwebhooks')
    return new Webhook(SW_SECRET)
  }),
  // Bare import: Stripe's exports pick its worker build on Bun and Deno, its node build on Node.
  'stripe-subtle-construct': await loadPeer('stripe-subtle-construct', async () => {
    const { default: Stripe } = await import('stripe')
    return {
      stripe: new Stripe('sk_test_benchmark_only'),
      provider: Stripe.createSubtleCryptoProvider(),
      version: Stripe.PACKAGE_VERSION,
    }
  }),
  // The web build by path (its exports give the node build to every runtime but browsers).
  'octokit-web-parse': await loadPeer(
    'octokit-web-parse',
    () =>
      import(new URL('../node_modules/@octokit/webhooks-methods/dist-web/index.js', import.meta.url).href),
  ),
}

const decoder = new TextDecoder()

/**
 * Each peer gets the raw body bytes, as `request.arrayBuffer()` hands them over, and returns the parsed
 * event like our `verify`. standardwebhooks only takes a string or a Node Buffer (it calls
 * `Buffer#toString` itself), so it gets the bytes decoded inside the timed function: the same work.
 */
function peerPaths(fixture) {
  const { body, signatureHeader, octokitSignature, timestamp, swHeaders } = fixture
  const receivedAt = timestamp * 1000
  const { standardwebhooks: webhook, 'octokit-web-parse': octokit } = peerLibraries
  const stripe = peerLibraries['stripe-subtle-construct']
  return {
    standardwebhooks:
      webhook &&
      function standardWebhooksVerify() {
        return webhook.verify(decoder.decode(body), swHeaders)
      },
    'stripe-subtle-construct':
      stripe &&
      function stripeConstructEventAsync() {
        return stripe.stripe.webhooks.constructEventAsync(
          body,
          signatureHeader,
          SECRET,
          300,
          stripe.provider,
          receivedAt,
        )
      },
    'octokit-web-parse':
      octokit &&
      async function octokitWebVerifyAndParse() {
        const text = decoder.decode(body)
        if (!(await octokit.verify(SECRET, text, octokitSignature))) throw new Error('octokit: bad signature')
        return JSON.parse(text)
      },
  }
}

// ---- Rows ------------------------------------------------------------------------------------------------

const PEERS = ['standardwebhooks', 'stripe-subtle-construct', 'octokit-web-parse']
const isWebhook = (result) => result?.event === 'entry_persisted' && result?.raw instanceof Uint8Array
const isSignature = (result) => result?.secretIndex === 0 && result?.raw instanceof Uint8Array
const isEvent = (result) => result?.event === 'entry_persisted'
const isTrue = (result) => result === true

/** Timed in this order within each round; each raw baseline right before the paths held against it. */
const ROWS = [
  { id: 'raw-subtle', check: isTrue },
  { id: 'web-async', ours: true, does: 'verify', raw: 'raw-subtle', peers: PEERS, check: isWebhook },
  { id: 'web-async-signature', ours: true, does: 'signature only', raw: 'raw-subtle', check: isSignature },
  { id: 'raw-noble-keyed', check: isTrue },
  { id: 'web-sync', ours: true, does: 'verify', raw: 'raw-noble-keyed', peers: PEERS, check: isWebhook },
  {
    id: 'web-sync-signature',
    ours: true,
    does: 'signature only',
    raw: 'raw-noble-keyed',
    check: isSignature,
  },
  ...PEERS.map((id) => ({ id, peer: true, check: isEvent })),
]

function ourPaths(verifier, fixture) {
  const request = { payload: fixture.body, headers: fixture.headers }
  return {
    'web-async': () => verifier.verify(request),
    'web-async-signature': () => verifier.verifySignature(request),
    'web-sync': () => verifier.verifySync(request),
    'web-sync-signature': () => verifier.verifySignatureSync(request),
  }
}

// ---- Timing ----------------------------------------------------------------------------------------------

// mitata's default clock (Bun.nanoseconds on Bun, performance.now elsewhere): wall time. Each row gets
// about `min_cpu_time` ns of samples per round (the name is mitata's; with this clock it is wall time);
// calls under 65 µs run in batches of 512 per sample. Rows alternate within a round and the round with the
// lowest mean is kept, so one disturbed round does not decide a row.
const rounds = quick ? 1 : 3
const gc = globalThis.Bun?.gc
  ? () => Bun.gc(true)
  : typeof globalThis.gc === 'function'
    ? () => globalThis.gc()
    : false // mitata's fallback allocates 1 GiB to force a collection; skip it instead
const measureOptions = {
  gc,
  min_cpu_time: (quick ? 20 : 150) * 1e6,
  min_samples: quick ? 2 : 4,
  batch_samples: 512,
}

/** Runs `fn` once and checks its result; returns the function mitata times (awaited only if async). */
async function prepare(label, fn, check) {
  const first = fn()
  const result = first instanceof Promise ? await first : first
  if (!check(result)) throw new Error(`${label}: unexpected result ${String(result)}`)
  if (first instanceof Promise) {
    return async function iterationAsync() {
      do_not_optimize(await fn())
    }
  }
  return function iteration() {
    do_not_optimize(fn())
  }
}

async function benchSize(size, timestamp, keys, verifier) {
  console.error(`${size.label}`)
  const fixture = await buildFixture(size, timestamp, keys.subtleKey)
  for (const [id, fn] of Object.entries(webRawVerifiers(fixture, keys, wrongHexTag(fixture.hexTag)))) {
    if ((await fn()) !== false) throw new Error(`${id}: did not return false for a wrong tag`)
  }
  const fns = {
    ...webRawVerifiers(fixture, keys),
    ...ourPaths(verifier, fixture),
    ...peerPaths(fixture),
  }
  const iterations = {}
  for (const row of ROWS) {
    if (!fns[row.id]) continue
    if (!row.peer) {
      iterations[row.id] = await prepare(row.id, fns[row.id], row.check)
      continue
    }
    try {
      iterations[row.id] = await prepare(row.id, fns[row.id], row.check)
    } catch (error) {
      notes.push(
        `\`${row.id}\` skipped at ${size.label}: its first call failed (${error?.message ?? error}).`,
      )
    }
  }
  const stats = {}
  for (let round = 0; round < rounds; round++) {
    for (const row of ROWS) {
      if (!iterations[row.id]) continue
      const result = await measure(iterations[row.id], measureOptions)
      if (!stats[row.id] || result.avg < stats[row.id].avg) stats[row.id] = result
    }
  }
  for (const row of ROWS) {
    if (stats[row.id]) console.error(`  ${row.id.padEnd(28)} ${formatTime(stats[row.id].avg).padStart(10)}`)
  }
  return { size, stats }
}

// ---- Report ----------------------------------------------------------------------------------------------

function sizeTable({ size, stats }) {
  const header = ['path', 'does', 'time/op', 'throughput', '× raw', '× peers (verify + parse)']
  const rows = []
  for (const row of ROWS) {
    const mine = stats[row.id]?.avg
    if (mine === undefined) continue
    const peers = (row.peers ?? [])
      .filter((peer) => stats[peer])
      .map((peer) => `${peer} ${formatRatio(mine, stats[peer].avg)}`)
    rows.push([
      row.ours ? `**${row.id}**` : row.id,
      row.ours ? row.does : row.peer ? 'verify + parse' : '',
      formatTime(mine),
      formatRate(size.bytes, mine),
      row.raw ? formatRatio(mine, stats[row.raw]?.avg) : '',
      peers.join(', '),
    ])
  }
  return `### ${size.label}\n\n${markdownTable(header, rows)}`
}

/** The open question: is each of our full verify paths ahead of every peer that ran, at every size? */
function verdicts(results) {
  const lines = []
  for (const id of ['web-async', 'web-sync']) {
    for (const { size, stats } of results) {
      const mine = stats[id].avg
      const ran = PEERS.filter((peer) => stats[peer])
      const behind = ran.filter((peer) => stats[peer].avg <= mine)
      const list = (peers) => peers.map((peer) => `${peer} ${formatRatio(mine, stats[peer].avg)}`).join(', ')
      lines.push(
        ran.length === 0
          ? `- ${size.label} ${id}: no peer ran`
          : behind.length === 0
            ? `- ${size.label} ${id}: ahead of every peer (${list(ran)})`
            : `- ${size.label} ${id}: NOT ahead of ${list(behind)}`,
      )
    }
  }
  return lines.join('\n')
}

async function versions() {
  const names = ['@noble/hashes', 'standardwebhooks', 'stripe', '@octokit/webhooks-methods', 'mitata']
  try {
    const { readFileSync } = await import('node:fs')
    return names
      .map((name) => {
        const file = new URL(`../node_modules/${name}/package.json`, import.meta.url)
        return `${name} ${JSON.parse(readFileSync(file, 'utf8')).version}`
      })
      .join(', ')
  } catch {
    return names.join(', ')
  }
}

// ---- Run -------------------------------------------------------------------------------------------------

const startedAt = new Date()
const timestamp = Math.floor(startedAt.getTime() / 1000)
const keys = await webKeys(keyBytes)
const verifier = ours.createVerifier({ secret: SECRET, now: () => timestamp * 1000 })
console.error(`${runtime}${quick ? ' (--quick)' : ''}`)

const results = []
for (const size of SIZES) results.push(await benchSize(size, timestamp, keys, verifier))

const cores = globalThis.navigator?.hardwareConcurrency
console.log(
  `## Web build on ${runtime} — ${startedAt.toISOString()}${quick ? ' (--quick, not for publishing)' : ''}\n`,
)
console.log(
  `${runtime}${cores ? `, ${cores} cores` : ''}; mean wall time per op (mitata's default clock), best of ${rounds} round${rounds === 1 ? '' : 's'} of ≈${measureOptions.min_cpu_time / 1e6} ms per row.`,
)
console.log(`Packages: ${await versions()}. Our build: packages/core/dist/index.js (${ours.cryptoBackend}).`)
console.log(
  '`× raw`: web-async* ÷ raw-subtle, web-sync* ÷ raw-noble-keyed. Ratios are time ÷ time: below 1.00× ours is faster. Rows in bold are ours.\n',
)
for (const result of results) console.log(`${sizeTable(result)}\n`)
console.log(`### Our verify against the peers that ran\n\n${verdicts(results)}\n`)
if (notes.length > 0)
  console.log(`### Notes\n\n${[...new Set(notes)].map((note) => `- ${note}`).join('\n')}\n`)
