#!/usr/bin/env node
// The end-to-end demo: sign → deliver → verify → retry, against four local endpoints, in a few seconds.
// Run after `pnpm build` (it needs the core, the dispatcher and @ledgerly/webhooks-express built). Everything
// listens on 127.0.0.1, on ports chosen by the OS.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { generateSecret, sign } from '@ledgerly/webhooks'
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

// The seed's schedule ([10, 30, 60] s) stays the default; the demo only scales the waits down.
const BACKOFF_SCALE = 0.01
const TIMEOUT_SECONDS = 1
const started = performance.now()
const secret = generateSecret()
const say = (line) => process.stdout.write(`${line}\n`)
const stats = { duplicates: 0, forgeries: 0, forgeryCodes: [] }
const processed = new Set()

/**
 * A verifying receiver: Express + ledgerlyWebhook. `fault` may answer first (to simulate a broken
 * endpoint); otherwise the verified event is de-duplicated by event + entry id and acknowledged.
 */
async function startEndpoint(name, fault) {
  const seenPerEntry = new Map()
  const app = express()
  const verify = ledgerlyWebhook({
    secret,
    onError(error) {
      stats.forgeries++
      stats.forgeryCodes.push(error.code)
      say(`  ${name.padEnd(9)} rejected a forged request: ${error.code} → HTTP ${error.status}`)
    },
  })
  app.post('/webhooks', verify, async (req, res) => {
    const webhook = req.ledgerly
    const count = (seenPerEntry.get(webhook.id) ?? 0) + 1
    seenPerEntry.set(webhook.id, count)
    if (fault && (await fault(count, res))) return
    const key = `${webhook.event}:${webhook.id}`
    if (processed.has(key)) {
      stats.duplicates++
      say(`  ${name.padEnd(9)} ${webhook.id} duplicate → 200, not processed again`)
    } else {
      processed.add(key)
    }
    res.status(200).send('ok')
  })
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  return { name, server, url: `http://127.0.0.1:${server.address().port}/webhooks` }
}

const endpoints = {
  acme: await startEndpoint('receiver'),
  flaky: await startEndpoint('flaky', (count, res) => {
    if (count > 2) return false
    res.status(500).send('temporarily broken')
    return true
  }),
  strict: await startEndpoint('rejecting', (_count, res) => {
    res.status(422).send('unknown tenant')
    return true
  }),
  slow: await startEndpoint('slow', async (_count, res) => {
    // Unref'd: a request the dispatcher gave up on must not keep the demo alive after the summary.
    await new Promise((resolve) => setTimeout(resolve, 4_000).unref())
    if (!res.destroyed) res.status(200).send('too late')
    return true
  }),
}

say('Ledgerly dispatcher demo: sign → deliver → verify → retry')
say('(receivers: Express apps verifying with @ledgerly/webhooks-express)\n')
for (const endpoint of Object.values(endpoints)) say(`  ${endpoint.name.padEnd(9)} ${endpoint.url}`)
const scaled = DEFAULT_RETRY.backoff.map((s) => s * BACKOFF_SCALE)
say(
  `\nretry: tries ${DEFAULT_RETRY.tries}, backoff [${DEFAULT_RETRY.backoff}] s × backoffScale ${BACKOFF_SCALE} = [${scaled}] s; timeout ${TIMEOUT_SECONDS} s\n`,
)

// One dispatcher per endpoint, as one per webhook subscription; the ledger routes entries per tenant.
const totals = { delivered: 0, deliveredAfterRetry: 0, retries: 0, failed: 0, failedCodes: [] }
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
    totals.delivered++
    if (attempt.attempt > 1) totals.deliveredAfterRetry++
    say(`  ${label} ${entryId(delivery)} attempt ${attempt.attempt} → HTTP ${attempt.status} delivered`)
  })
  dispatcher.on('retry', ({ delivery, attempt }) => {
    totals.retries++
    const why = attempt.status ? `HTTP ${attempt.status}` : attempt.error.code
    say(
      `  ${label} ${entryId(delivery)} attempt ${attempt.attempt} → ${why}, retry in ${(attempt.retryInMs / 1000).toFixed(2)} s`,
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
say(`dispatching ${entries.length} entries (+2 replays of already-delivered entries):`)
for (const entry of entries) await ledger.entryCreated(entry)
await Promise.all(Object.values(dispatchers).map((d) => d.drained()))
// At-least-once in action: the same two entries arrive again; the receiver must not process them twice.
for (const entry of entries.slice(0, 2)) await ledger.entryCreated(entry)
await Promise.all(Object.values(dispatchers).map((d) => d.drained()))

say('\nsending forged requests to the receiver:')
const genuine = JSON.stringify({
  event: 'entry_persisted',
  data: { id: 'entry_forged', action: 'payout.created' },
})
const forgeries = [
  ['wrong secret', genuine, await sign(genuine, { secret: generateSecret() })],
  ['tampered body', genuine.replace('payout', 'refund'), await sign(genuine, { secret })],
  [
    'replayed an hour later',
    genuine,
    await sign(genuine, { secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
  ],
  ['no signature at all', genuine, {}],
]
for (const [, body, headers] of forgeries) {
  await fetch(endpoints.acme.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

const summary = {
  dispatched: entries.length + 2,
  delivered: totals.delivered,
  deliveredAfterRetry: totals.deliveredAfterRetry,
  retries: totals.retries,
  permanentlyFailed: totals.failed,
  failureCodes: totals.failedCodes.sort(),
  duplicatesSuppressed: stats.duplicates,
  forgeriesRejected: stats.forgeries,
  forgeryCodes: stats.forgeryCodes.sort(),
  seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
}
function countCodes(codes) {
  const counts = new Map()
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1)
  return [...counts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ')
}
const rows = [
  ['deliveries dispatched', summary.dispatched],
  ['delivered', summary.delivered],
  ['  of which after a retry', summary.deliveredAfterRetry],
  ['retries scheduled', summary.retries],
  ['permanently failed', `${summary.permanentlyFailed} (${countCodes(summary.failureCodes)})`],
  ['duplicates suppressed', summary.duplicatesSuppressed],
  ['forgeries rejected', `${summary.forgeriesRejected} (${countCodes(summary.forgeryCodes)})`],
  ['time', `${summary.seconds} s`],
]
const width = Math.max(...rows.map(([label]) => label.length))
const valueWidth = Math.max(...rows.map(([, value]) => String(value).length))
say(`\n┌${'─'.repeat(width + 2)}┬${'─'.repeat(valueWidth + 2)}┐`)
for (const [label, value] of rows) say(`│ ${label.padEnd(width)} │ ${String(value).padEnd(valueWidth)} │`)
say(`└${'─'.repeat(width + 2)}┴${'─'.repeat(valueWidth + 2)}┘`)

// What the scenario must produce; a mismatch means the dispatcher or verifier misbehaved.
const expected = {
  delivered: 10,
  deliveredAfterRetry: 2,
  retries: 6,
  permanentlyFailed: 2,
  duplicatesSuppressed: 2,
  forgeriesRejected: 4,
}
const wrong = Object.entries(expected).filter(([key, value]) => summary[key] !== value)
say(`DEMO_SUMMARY ${JSON.stringify(summary)}`)

await Promise.all(Object.values(dispatchers).map((d) => d.close({ timeoutMs: 1_000 })))
for (const endpoint of Object.values(endpoints)) {
  endpoint.server.closeAllConnections()
  endpoint.server.close()
}
if (wrong.length > 0) {
  say(
    `\n✘ unexpected outcome: ${wrong.map(([key, value]) => `${key} ${summary[key]} (expected ${value})`).join(', ')}`,
  )
  process.exitCode = 1
} else {
  say(
    '\n✔ every outcome as expected: retries recovered the flaky endpoint, 4xx and timeouts were reported, the receiver',
  )
  say('  processed each entry once and rejected every forgery.')
}
