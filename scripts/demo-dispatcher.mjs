#!/usr/bin/env node
// The end-to-end demo: sign → deliver → verify → retry, against four local endpoints, in a few seconds.
// Run after `pnpm build` (it needs the core, the dispatcher and @ledgerly/webhooks-express built). Everything
// listens on 127.0.0.1, on ports chosen by the OS. Set LEDGERLY_DEMO_SUMMARY=1 to also print the counts as
// one `DEMO_SUMMARY {json}` line (the demo's test reads it).
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { generateSecret, sign } from '@ledgerly/webhooks'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import {
  createLedgerEvents,
  createSignedDispatcher,
  DEFAULT_RETRY,
} from '../packages/dispatcher/dist/index.js'

// The receivers are real Express apps behind the @ledgerly/webhooks-express middleware (resolved from the
// dispatcher package, which lists them as dev dependencies).
const fromDispatcher = createRequire(new URL('../packages/dispatcher/package.json', import.meta.url))
const load = async (name) => import(pathToFileURL(fromDispatcher.resolve(name)).href)
const { default: express } = await load('express')
const { ledgerlyWebhook } = await load('@ledgerly/webhooks-express')

// Ledgerly's schedule ([10, 30, 60] s) stays the default; the demo only scales the waits down.
const BACKOFF_SCALE = 0.01
const TIMEOUT_SECONDS = 1
const SLOW_SECONDS = 4
const started = performance.now()
const secret = generateSecret()
const say = (line = '') => process.stdout.write(`${line}\n`)
const seconds = (s) => `${Number(s.toFixed(3))} s`
const forgeries = { count: 0, codes: [] }
// How many times each entry's handler ran, on any receiver: the proof of exactly-once processing.
const handlerRuns = new Map()

/**
 * A receiver: an Express app with the @ledgerly/webhooks-express middleware and its `idempotency` option,
 * so a delivery of an entry already processed is answered `200 {"outcome":"duplicate"}` by the middleware
 * and the handler does not run. `fault`, when given, stands in front of the app (an outage, a gateway
 * refusing the tenant, a hung upstream): it may answer first, and then the request never reaches the app.
 */
async function startEndpoint(name, behaviour, fault) {
  const attemptsPerDelivery = new Map()
  const app = express()
  if (fault) {
    app.post('/webhooks', async (req, res, next) => {
      const delivery = req.get('x-ledgerly-delivery')
      const attempt = (attemptsPerDelivery.get(delivery) ?? 0) + 1
      attemptsPerDelivery.set(delivery, attempt)
      if (!(await fault(attempt, res))) next()
    })
  }
  const verify = ledgerlyWebhook({
    secret,
    idempotency: { store: memoryStore() },
    onError(error) {
      forgeries.count++
      forgeries.codes.push(error.code)
    },
  })
  app.post('/webhooks', verify, (req, res) => {
    // Reached once per entry: verified, and claimed in the idempotency store.
    const id = req.ledgerly.data.id
    handlerRuns.set(id, (handlerRuns.get(id) ?? 0) + 1)
    res.status(200).json({ outcome: 'processed' })
  })
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  return { name, behaviour, server, url: `http://127.0.0.1:${server.address().port}/webhooks` }
}

const endpoints = {
  acme: await startEndpoint('receiver', 'verifies; processes each entry once'),
  flaky: await startEndpoint('flaky', 'HTTP 500 twice per entry, then OK', (attempt, res) => {
    if (attempt > 2) return false
    res.status(500).send('temporarily broken')
    return true
  }),
  strict: await startEndpoint('rejecting', 'HTTP 422 to everything (permanent)', (_attempt, res) => {
    res.status(422).send('unknown tenant')
    return true
  }),
  slow: await startEndpoint(
    'slow',
    `answers after ${SLOW_SECONDS} s (timeout is ${TIMEOUT_SECONDS} s)`,
    async (_attempt, res) => {
      // Unref'd: a request the dispatcher gave up on must not keep the demo alive after the summary.
      await new Promise((resolve) => setTimeout(resolve, SLOW_SECONDS * 1000).unref())
      if (!res.destroyed) res.status(200).send('too late')
      return true
    },
  ),
}

say('Ledgerly dispatcher demo: sign → deliver → verify → retry')
say('(receivers: Express apps with @ledgerly/webhooks-express, idempotency on)')
say()
const urlWidth = Math.max(...Object.values(endpoints).map((endpoint) => endpoint.url.length))
for (const endpoint of Object.values(endpoints)) {
  say(`  ${endpoint.name.padEnd(9)} ${endpoint.url.padEnd(urlWidth)}  ${endpoint.behaviour}`)
}
const backoff = DEFAULT_RETRY.backoff
say()
say(
  `retry: ${DEFAULT_RETRY.tries} tries, backoff [${backoff.join(', ')}] s × ${BACKOFF_SCALE} = [${backoff.map((s) => Number((s * BACKOFF_SCALE).toFixed(3))).join(', ')}] s; timeout ${TIMEOUT_SECONDS} s`,
)

// One dispatcher per endpoint, as one per webhook subscription; the ledger routes entries per tenant.
const totals = {
  processed: 0,
  processedAfterRetry: 0,
  duplicates: [],
  retries: 0,
  failed: 0,
  failedCodes: [],
}
const dispatchers = {}
for (const [tenant, endpoint] of Object.entries(endpoints)) {
  const dispatcher = createSignedDispatcher({
    url: endpoint.url,
    secret,
    backoffScale: BACKOFF_SCALE,
    timeout: TIMEOUT_SECONDS,
  })
  const label = endpoint.name.padEnd(9)
  dispatcher.on('success', ({ delivery, attempt }) => {
    const line = `  ${label} ${entryId(delivery)} attempt ${attempt.attempt} → HTTP ${attempt.status}`
    if (isDuplicateAnswer(attempt.responseExcerpt)) {
      totals.duplicates.push(entryId(delivery))
      say(`${line} duplicate (already processed, handler not run)`)
      return
    }
    totals.processed++
    if (attempt.attempt > 1) totals.processedAfterRetry++
    say(`${line} delivered`)
  })
  dispatcher.on('retry', ({ delivery, attempt }) => {
    totals.retries++
    const why = attempt.status ? `HTTP ${attempt.status}` : attempt.error.code
    say(
      `  ${label} ${entryId(delivery)} attempt ${attempt.attempt} → ${why}, retry in ${seconds(attempt.retryInMs / 1000)}`,
    )
  })
  dispatcher.on('failure', ({ delivery, attempt }) => {
    totals.failed++
    totals.failedCodes.push(attempt.error.code)
    const why = attempt.status ? `HTTP ${attempt.status}` : attempt.error.code
    say(
      `  ${label} ${entryId(delivery)} attempt ${attempt.attempt} → ${why}: permanent failure (${attempt.error.code})`,
    )
  })
  dispatchers[tenant] = dispatcher
}

/** The middleware's answer to an event it already processed: `200 {"outcome":"duplicate"}`. */
function isDuplicateAnswer(excerpt) {
  try {
    return JSON.parse(excerpt ?? '').outcome === 'duplicate'
  } catch {
    return false
  }
}
const bodies = new Map()
function entryId(delivery) {
  return bodies.get(delivery.deliveryId) ?? delivery.deliveryId
}

const ledger = createLedgerEvents()
ledger.onEntryCreated(async function routeByTenant({ entry, payload, event }) {
  const dispatcher = dispatchers[entry.context.tenant]
  const deliveryId = await dispatcher.enqueue(payload, event)
  bodies.set(deliveryId, payload.data.id)
})
const drained = () => Promise.all(Object.values(dispatchers).map((d) => d.drained()))

const plan = [...['acme', 'acme', 'acme', 'acme', 'acme', 'acme'], ...['flaky', 'flaky'], 'strict', 'slow']
const entries = plan.map((tenant, index) => ({
  id: `entry_${String(index + 1).padStart(4, '0')}`,
  action: 'invoice.updated',
  actor: { type: 'user', id: 42, name: 'Ada' },
  target: { type: 'invoice', id: `INV-${1001 + index}` },
  diff: { status: ['draft', 'sent'] },
  metadata: { source: 'demo' },
  context: { tenant },
  severity: 'info',
  created_at: new Date(),
}))
// The entries the receivers should process: all but the rejecting and the slow endpoint's.
const processable = entries.filter((entry) => !['strict', 'slow'].includes(entry.context.tenant))
const replayed = entries.slice(0, 2)

say()
say(`dispatching ${entries.length} ledger entries:`)
for (const entry of entries) await ledger.entryCreated(entry)
await drained()

// At-least-once in action: the same two entries are sent again, as new deliveries. The receiver's
// idempotency store knows them, so the middleware answers "duplicate" and the handler does not run.
say()
say(`at-least-once delivery: ${replayed.map((entry) => entry.id).join(' and ')} are sent again:`)
for (const entry of replayed) await ledger.entryCreated(entry)
await drained()

say()
say('sending forged requests to the receiver:')
const genuine = JSON.stringify({
  event: 'entry_persisted',
  data: { id: 'entry_forged', action: 'payout.created' },
})
const forged = [
  ['wrong secret', genuine, await sign(genuine, { secret: generateSecret() })],
  ['tampered body', genuine.replace('payout', 'refund'), await sign(genuine, { secret })],
  [
    'replayed an hour later',
    genuine,
    await sign(genuine, { secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
  ],
  ['no signature at all', genuine, {}],
]
const forgedWidth = Math.max(...forged.map(([what]) => what.length))
for (const [what, body, headers] of forged) {
  const response = await fetch(endpoints.acme.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })
  const { code } = await response.json().catch(() => ({}))
  const verdict = response.ok ? 'ACCEPTED (should have been rejected)' : 'rejected'
  say(`  ${what.padEnd(forgedWidth)} → HTTP ${response.status} ${code ?? ''}, ${verdict}`)
}

const runs = Object.fromEntries([...handlerRuns].sort(([a], [b]) => a.localeCompare(b)))
const summary = {
  dispatched: entries.length + replayed.length,
  entries: entries.length,
  replays: replayed.length,
  deliveredAndProcessed: totals.processed,
  deliveredAfterRetry: totals.processedAfterRetry,
  answeredAsDuplicate: totals.duplicates.length,
  duplicateEntries: totals.duplicates.sort(),
  retries: totals.retries,
  permanentlyFailed: totals.failed,
  failureCodes: totals.failedCodes.sort(),
  handlerRuns: runs,
  entriesProcessed: handlerRuns.size,
  entriesProcessedMoreThanOnce: Object.keys(runs).filter((id) => runs[id] > 1),
  forgeriesRejected: forgeries.count,
  forgeryCodes: forgeries.codes.sort(),
  seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
}
function countCodes(codes) {
  const counts = new Map()
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1)
  return [...counts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ')
}
const handlerRunCount = Object.values(runs).reduce((sum, n) => sum + n, 0)
const onceOrNot =
  summary.entriesProcessedMoreThanOnce.length === 0
    ? 'each exactly once'
    : `NOT once each: ${summary.entriesProcessedMoreThanOnce.map((id) => `${id} ×${runs[id]}`).join(', ')}`
const sections = [
  [
    [
      'deliveries dispatched',
      `${summary.dispatched} (${summary.entries} entries + ${summary.replays} replays)`,
    ],
    ['delivered and processed', summary.deliveredAndProcessed],
    ['  of which after a retry', summary.deliveredAfterRetry],
    ['replays answered as duplicates', `${summary.answeredAsDuplicate} (handler not run)`],
    ['retries scheduled', summary.retries],
    ['permanently failed', `${summary.permanentlyFailed} (${countCodes(summary.failureCodes)})`],
  ],
  [
    ['entries processed', `${summary.entriesProcessed}, ${onceOrNot} (${handlerRunCount} handler runs)`],
    ['forgeries rejected', `${summary.forgeriesRejected} (${countCodes(summary.forgeryCodes)})`],
  ],
  [['time', `${summary.seconds} s`]],
]
printTable(sections)

/** A box-drawn table of [label, value] rows, in sections; long values wrap after a comma to fit 80 columns. */
function printTable(sections) {
  const width = Math.max(...sections.flat().map(([label]) => label.length))
  const fit = 80 - width - 7
  const wrap = (value) => {
    const lines = ['']
    for (const part of String(value).split(/(?<=, )/)) {
      const last = lines.length - 1
      if (lines[last].length > 0 && lines[last].length + part.length > fit) lines.push(`   ${part}`)
      else lines[last] += part
    }
    return lines.map((line) => line.trimEnd())
  }
  const wrapped = sections.map((section) => section.map(([label, value]) => [label, wrap(value)]))
  const valueWidth = Math.max(...wrapped.flat().flatMap(([, lines]) => lines.map((line) => line.length)))
  const rule = (left, middle, right) =>
    `${left}${'─'.repeat(width + 2)}${middle}${'─'.repeat(valueWidth + 2)}${right}`
  say()
  say(rule('┌', '┬', '┐'))
  wrapped.forEach((section, index) => {
    if (index > 0) say(rule('├', '┼', '┤'))
    for (const [label, lines] of section) {
      lines.forEach((line, at) => {
        say(`│ ${(at === 0 ? label : '').padEnd(width)} │ ${line.padEnd(valueWidth)} │`)
      })
    }
  })
  say(rule('└', '┴', '┘'))
}

// What the scenario must produce; a mismatch means the dispatcher, the verifier or the idempotency store
// misbehaved.
const expected = {
  deliveredAndProcessed: processable.length,
  deliveredAfterRetry: 2,
  answeredAsDuplicate: replayed.length,
  duplicateEntries: replayed.map((entry) => entry.id),
  retries: 6,
  permanentlyFailed: 2,
  handlerRuns: Object.fromEntries(processable.map((entry) => [entry.id, 1])),
  forgeriesRejected: 4,
}
const wrong = Object.entries(expected).filter(
  ([key, value]) => JSON.stringify(summary[key]) !== JSON.stringify(value),
)

await Promise.all(Object.values(dispatchers).map((d) => d.close({ timeoutMs: 1_000 })))
for (const endpoint of Object.values(endpoints)) {
  endpoint.server.closeAllConnections()
  endpoint.server.close()
}
say()
if (wrong.length > 0) {
  const show = (value) => (typeof value === 'object' ? JSON.stringify(value) : value)
  say('✘ unexpected outcome:')
  for (const [key, value] of wrong) say(`  ${key}: ${show(summary[key])} (expected ${show(value)})`)
  process.exitCode = 1
} else {
  say('✔ every outcome as expected: retries recovered the flaky endpoint; the 422 and the timeout were')
  say('  reported as permanent failures; the replays were answered as duplicates without running the')
  say('  handler, so each entry was processed exactly once; every forgery was rejected.')
}
if (process.env.LEDGERLY_DEMO_SUMMARY === '1') say(`\nDEMO_SUMMARY ${JSON.stringify(summary)}`)
