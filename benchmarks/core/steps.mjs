// Where our verify spends its time: each step it takes, timed alone on the same bodies.
// `node --expose-gc core/steps.mjs [--sizes=1,64,1024,10240] (KiB)`. Not part of `pnpm bench`; it is the
// evidence behind the analysis in docs/benchmarks/core.md.
import { createHmac, createSecretKey } from 'node:crypto'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { do_not_optimize, measure } from 'mitata'
import { buildFixture, SECRET, SIZES } from './fixtures.mjs'
import { nodeBuild, ourVerifiers, webBuild } from './ours.mjs'
import { formatTime, markdownTable } from './report.mjs'

const sizesArg = process.argv.find((arg) => arg.startsWith('--sizes='))
const wanted = sizesArg
  ? sizesArg
      .slice(8)
      .split(',')
      .map((kib) => Number(kib) * 1024)
  : undefined
const sizes = SIZES.filter((size) => !wanted || wanted.includes(size.bytes))
const shapes = process.argv.includes('--object') ? ['string', 'object'] : ['string']

function cpuNow() {
  const { user, system } = process.cpuUsage()
  return (user + system) * 1e3
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const lenient = new TextDecoder('utf-8', { ignoreBOM: true })
const keyBytes = new TextEncoder().encode(SECRET)
const nodeKey = createSecretKey(keyBytes)
const nobleKeyed = hmac.create(sha256, keyBytes)
const timestamp = Math.floor(Date.now() / 1000)
const verifiers = ourVerifiers(timestamp)

function tampered(fixture) {
  const header = fixture.signatureHeader.replace(/.$/, (c) => (c === '0' ? '1' : '0'))
  return { payload: fixture.body, headers: { ...fixture.headers, 'x-ledgerly-signature': header } }
}

/** Resolves to the error, so a mismatch can be timed as a completed call. */
async function settle(call) {
  try {
    return await call()
  } catch (error) {
    return error
  }
}

function steps(fixture) {
  const { body, text } = fixture
  const prefix = new TextEncoder().encode(`${timestamp}.`)
  const bad = tampered(fixture)
  const request = { payload: body, headers: fixture.headers }
  return {
    'node HMAC (prefix, body)': () => createHmac('sha256', nodeKey).update(prefix).update(body).digest(),
    'noble keyed clone HMAC': () => nobleKeyed.clone().update(prefix).update(body).digest(),
    'concat prefix + body (copy)': () => {
      const out = new Uint8Array(prefix.length + body.length)
      out.set(prefix)
      out.set(body, prefix.length)
      return out
    },
    'TextDecoder fatal decode': () => fatal.decode(body),
    'TextDecoder non-fatal decode': () => lenient.decode(body),
    'Buffer utf8Slice (node only)': () =>
      Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'),
    'includes __proto__ / \\u scans': () => text.includes('__proto__') || text.includes('\\u'),
    'JSON.parse(text)': () => JSON.parse(text),
    'node verifySync, full': () => verifiers.node.verifySync(request),
    'node verifySync, mismatch (no JSON)': () => settle(() => verifiers.node.verifySync(bad)),
    'web verify, full': () => verifiers.web.verify(request),
    'web verify, mismatch (no JSON)': () => settle(() => verifiers.web.verify(bad)),
    'web verifySync, full': () => verifiers.web.verifySync(request),
    'web verifySync, mismatch (no JSON)': () => settle(() => verifiers.web.verifySync(bad)),
  }
}

const header = ['step', ...sizes.flatMap((size) => shapes.map((shape) => `${size.label} ${shape}`))]
const table = new Map()
for (const size of sizes) {
  for (const shape of shapes) {
    const fixture = buildFixture(size, shape, timestamp, nodeBuild.signSync)
    for (const [name, fn] of Object.entries(steps(fixture))) {
      const async = fn() instanceof Promise
      const iteration = async ? async () => do_not_optimize(await fn()) : () => do_not_optimize(fn())
      const stats = await measure(iteration, { now: cpuNow, min_cpu_time: 200e6 })
      if (!table.has(name)) table.set(name, [name])
      table.get(name).push(formatTime(stats.avg))
      process.stderr.write(`${size.label} ${shape} ${name}: ${formatTime(stats.avg)}\n`)
    }
  }
}
console.log(
  `Steps of our verify, mean CPU time (${new Date().toISOString()}, web build ${webBuild.cryptoBackend})\n`,
)
console.log(markdownTable(header, [...table.values()]))
