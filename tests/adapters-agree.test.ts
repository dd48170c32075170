// Differential test: the same real HTTP request goes to the Express, Hono and edge adapters, each on a real
// server with the same routes, options and handler, and all three must give the same answer — the one the
// GUIDE (and bad-inputs.md) says, written in the table, so three adapters agreeing on a wrong answer fail
// too. Compared per answer: status, Content-Type, problem `code` and `type`, Retry-After, Cache-Control,
// the `outcome` of an idempotency answer, how many times the handler ran and how many times `onError` was
// called. Free-text fields (`title`, `detail`) are not.
//
// Where an adapter differs for a documented framework reason, the row says so per adapter (`only`, with
// `why`); everything else is expected alike. Runs against the packages' built `dist` (`pnpm -r build`).
import '@ledgerly/test-support/fail-on-unhandled'
import { createHmac } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import {
  BODY,
  GUIDE_STATUS,
  type HeaderPairs,
  hmacHex,
  NOW_MS,
  SECRET,
  T,
  wireCases,
} from '@ledgerly/test-support/wire-cases'
import { type IdempotencyStore, memoryStore } from '@ledgerly/webhooks/idempotency'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  ADAPTERS,
  type Adapter,
  HANDLER_HEADER,
  type HandlerMode,
  HandlerProbe,
  type RouteSpec,
  type RunningAdapter,
  type SharedOptions,
  startAdapters,
} from './support/adapter-servers.js'
import { type Received, send } from './support/send.js'

// ── Configuration: the same for all three adapters ──────────────────────────────────────────────────────

const OLD_SECRET = 'ledgerly-adapter-test-secret-previous'
const LIMIT = 512
const LEASE_MS = 30_000
const now = () => NOW_MS

const probe = new HandlerProbe()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** memoryStore(), with `complete` and `release` taking `delayMs` (a store across a network, under load). */
function slowSettlingStore(delayMs: number): IdempotencyStore {
  const store = memoryStore()
  return {
    claim: (key, leaseMs, token) => store.claim(key, leaseMs, token),
    complete: (key, ttlMs, token) => sleep(delayMs).then(() => store.complete(key, ttlMs, token)),
    release: (key, token) => sleep(delayMs).then(() => store.release(key, token)),
  }
}

/**
 * An `onError` that counts its calls and acts on the status: 401 → throws (must become 500), 400 → a
 * replacement answer (code REPLACED), anything else → keeps the default answer.
 */
function countingHook(adapter: Adapter): NonNullable<SharedOptions['onError']> {
  return function onError(_error, problem) {
    probe.hooked[adapter]++
    if (problem.status === 401) throw new Error('onError failed (test)')
    if (problem.status !== 400) return undefined
    return {
      status: 400,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
      body: '{"code":"REPLACED"}',
    }
  }
}

const SHORT_LEASE_MS = 1_000
const SLOW_STORE_MS = 400

const ROUTES: RouteSpec[] = [
  // Secret rotation: the new secret first, the old one still accepted.
  { path: '/webhooks', method: 'POST', options: () => ({ secret: [SECRET, OLD_SECRET], now }) },
  // Mounted for every method, to see what the middleware itself does with GET, HEAD, PUT.
  { path: '/any', method: 'ALL', options: () => ({ secret: [SECRET, OLD_SECRET], now }) },
  {
    path: '/guarded',
    method: 'POST',
    options: () => ({
      secret: SECRET,
      now,
      maxBodyBytes: LIMIT,
      allowedIps: ['127.0.0.1', '::1'],
      idempotency: { store: memoryStore(), leaseMs: LEASE_MS },
    }),
  },
  // 127.0.0.1 (every test request) is outside this list.
  {
    path: '/foreign',
    method: 'POST',
    options: () => ({ secret: SECRET, now, maxBodyBytes: LIMIT, allowedIps: ['192.0.2.0/24'] }),
  },
  // Behind one proxy of ours: the client is the last X-Forwarded-For entry.
  {
    path: '/proxied',
    method: 'POST',
    options: () => ({ secret: SECRET, now, allowedIps: ['192.0.2.0/24'], trustProxy: 1 }),
  },
  {
    path: '/hooked',
    method: 'POST',
    options: (adapter) => ({ secret: SECRET, now, maxBodyBytes: LIMIT, onError: countingHook(adapter) }),
  },
  {
    path: '/slow-store',
    method: 'POST',
    options: () => ({
      secret: SECRET,
      now,
      idempotency: { store: slowSettlingStore(SLOW_STORE_MS), leaseMs: LEASE_MS },
    }),
  },
  {
    path: '/short-lease',
    method: 'POST',
    options: () => ({ secret: SECRET, now, idempotency: { store: memoryStore(), leaseMs: SHORT_LEASE_MS } }),
  },
]

// ── Expected answers, from GUIDE §2 (codes → statuses) and the READMEs' answer tables ───────────────────

/** What the test compares of one answer. `null`: absent. */
interface Seen {
  status: number
  contentType: string | null
  code: string | null
  type: string | null
  retryAfter: string | null
  /** Express README, "Answers": every rejection carries `Cache-Control: no-store`. */
  cacheControl: string | null
  outcome: string | null
  /** How many times the handler ran for this request. */
  ran: number
  /** How many times `onError` was called for this request (routes with a counting hook only). */
  hooked: number
}

// GUIDE §2 "Error codes", and the adapters' own codes (FORBIDDEN_SOURCE, IN_PROGRESS, INTERNAL_ERROR).
const STATUS: Record<string, number> = {
  ...GUIDE_STATUS,
  FORBIDDEN_SOURCE: 403,
  INTERNAL_ERROR: 500,
  IN_PROGRESS: 503,
}

/** READMEs: "the `type` ends with the code in lowercase kebab case". */
const typeOf = (code: string) =>
  `https://ledgerly.dev/webhooks/errors/${code.toLowerCase().replaceAll('_', '-')}`

const NOTHING: Omit<Seen, 'status' | 'ran'> = {
  hooked: 0,
  contentType: null,
  code: null,
  type: null,
  retryAfter: null,
  cacheControl: null,
  outcome: null,
}

/** A problem+json rejection with the GUIDE's status for `code`; the handler does not run. */
function rejected(code: string, more: Partial<Seen> = {}): Seen {
  const status = STATUS[code]
  if (status === undefined) throw new Error(`no status for ${code}`)
  return {
    ...NOTHING,
    status,
    contentType: 'application/problem+json',
    cacheControl: 'no-store',
    code,
    type: typeOf(code),
    ran: 0,
    ...more,
  }
}

/** The handler ran once and answered 204. */
const handled = (): Seen => ({ ...NOTHING, status: 204, ran: 1 })

/** The handler ran once and answered 422 (application/json), sent as it is. */
const unprocessable = (): Seen => ({ ...NOTHING, status: 422, contentType: 'application/json', ran: 1 })

/** GUIDE §2: "A duplicate that is already processed gets 200" — all READMEs: `{"outcome":"duplicate"}`. */
const duplicate = (): Seen => ({
  ...NOTHING,
  status: 200,
  contentType: 'application/json',
  outcome: 'duplicate',
  ran: 0,
})

/** A route-not-found answer: each framework's own 404 page. */
const notFound = (): Seen => ({ ...NOTHING, status: 404, ran: 0 })

// ── Framework differences, documented ────────────────────────────────────────────────────────────────────

type Only = Partial<Record<Adapter, { seen: Partial<Seen>; why: string }>>

/**
 * A handler that throws is answered 500 by all three (GUIDE: a receiver-side bug gets 5xx), but by whoever
 * called the handler. The middlewares call `next()` and the framework handles what the route throws.
 */
const HANDLER_THREW: Only = {
  express: {
    seen: { contentType: 'text/html; charset=utf-8', cacheControl: null, code: null, type: null },
    why: "Express's own error handler answers a route's error (express README, middleware.ts: an error thrown by the app's handler belongs to Express's error handling)",
  },
  hono: {
    seen: { contentType: 'text/plain; charset=UTF-8', cacheControl: null, code: null, type: null },
    why: "Hono's app.onError answers a route's error (hono README: 'a throw: the app's error answer')",
  },
  // edge calls the handler itself: 500 problem+json INTERNAL_ERROR (edge README), the row's base answer.
}

/** No route for this method: each router's own 404 page (content type differs, status does not). */
const NO_ROUTE: Only = {
  express: { seen: { contentType: 'text/html; charset=utf-8' }, why: "Express's finalhandler 404 page" },
  hono: { seen: { contentType: 'text/plain; charset=UTF-8' }, why: "Hono's notFound 404" },
  edge: {
    seen: { contentType: 'text/plain; charset=utf-8' },
    why: 'the edge adapter has no router: the bridge (standing in for the platform) answers 404',
  },
}

// ── Requests ────────────────────────────────────────────────────────────────────────────────────────────

interface Step {
  method?: string
  path?: string
  headers: HeaderPairs
  body?: string | Uint8Array
  chunks?: readonly Uint8Array[]
  /** `hold`: the handler waits until the NEXT step has been answered (two deliveries at once). */
  handler?: HandlerMode
  /** With `handler: 'hold'`: the client hangs up while the handler runs (see `abandon`). */
  abort?: boolean
  /** Wait this long before sending. */
  pauseMs?: number
  expect: Seen
  only?: Only
}

interface Row {
  name: string
  steps: Step[]
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json']
const SIG = 'x-ledgerly-signature'
const TS = 'x-ledgerly-timestamp'
const enc = new TextEncoder()

function compound(body: string | Uint8Array, t = T, secret = SECRET): string {
  return `t=${t},v1=${hmacHex(body, t, secret)}`
}

function signed(body: string | Uint8Array, t = T, secret = SECRET): HeaderPairs {
  return [JSON_TYPE, [SIG, compound(body, t, secret)]]
}

/** The legacy split form: bare hex plus `X-Ledgerly-Timestamp`. */
function legacy(body: string | Uint8Array, t: number | string = T): HeaderPairs {
  return [JSON_TYPE, [SIG, hmacHex(body, t)], [TS, String(t)]]
}

/** A webhook body for the event `id`, padded with spaces to `size` bytes when given. */
function eventBody(id: string, size?: number): string {
  const body = `{"event":"entry_persisted","data":{"id":"${id}","action":"invoice.updated"}}`
  if (size === undefined) return body
  if (size < body.length) throw new Error(`eventBody: ${size} < ${body.length}`)
  return body.slice(0, -1) + ' '.repeat(size - body.length) + '}'
}

const row = (name: string, step: Step): Row => ({ name, steps: [step] })
const scenario = (name: string, steps: Step[]): Row => ({ name, steps })

/** bad-inputs A–D (tools/test-support): their OK rows answer 200 there, 204 from this handler. */
const WIRE_ROWS: Row[] = wireCases.map((wire) =>
  row(wire.name.replace(/ → .*$/, ''), {
    headers: wire.headers,
    body: wire.body,
    expect: wire.code === undefined ? handled() : rejected(wire.code),
  }),
)

const latin1Body = new Uint8Array([
  ...enc.encode('{"event":"caf'),
  0xe9,
  ...enc.encode('","data":{"id":"1"}}'),
])
const invalidUtf8 = new Uint8Array([
  ...enc.encode('{"event":"e","data":{"id":"'),
  0xc3,
  0x28,
  ...enc.encode('"}}'),
])
const bomBody = `\ufeff${BODY}`
const gzipped = gzipSync(BODY)
const tampered = BODY.replace('invoice.updated', 'invoice.deleted')

function standardWebhooksHeaders(prefix: 'webhook' | 'svix'): HeaderPairs {
  const key = Buffer.from(SECRET)
  const id = 'msg_1'
  const v1 = createHmac('sha256', key).update(`${id}.${T}.${BODY}`).digest('base64')
  return [
    JSON_TYPE,
    [`${prefix}-id`, id],
    [`${prefix}-timestamp`, String(T)],
    [`${prefix}-signature`, `v1,${v1}`],
  ]
}

const HEADER_ROWS: Row[] = [
  row('GUIDE valid compound signature', { headers: signed(BODY), body: BODY, expect: handled() }),
  row('GUIDE valid legacy signature + X-Ledgerly-Timestamp', {
    headers: legacy(BODY),
    body: BODY,
    expect: handled(),
  }),
  row('E30 rotation: signed with the old secret only', {
    headers: signed(BODY, T, OLD_SECRET),
    body: BODY,
    expect: handled(),
  }),
  row('E30 rotation: one v1 per active secret', {
    headers: [JSON_TYPE, [SIG, `t=${T},v1=${hmacHex(BODY, T)},v1=${hmacHex(BODY, T, OLD_SECRET)}`]],
    body: BODY,
    expect: handled(),
  }),
  row('forged: signed with a secret the receiver does not hold', {
    headers: signed(BODY, T, 'attacker-secret'),
    body: BODY,
    expect: rejected('SIGNATURE_MISMATCH'),
  }),
  row('body tampered after signing', {
    headers: signed(BODY),
    body: tampered,
    expect: rejected('SIGNATURE_MISMATCH'),
  }),
  row('header names in upper case', {
    headers: [
      ['Content-Type', 'application/json'],
      ['X-LEDGERLY-SIGNATURE', compound(BODY)],
    ],
    body: BODY,
    expect: handled(),
  }),
  row('unsigned X-Ledgerly-Event / Delivery / Attempt headers present', {
    headers: [
      ...signed(BODY),
      ['x-ledgerly-event', 'other'],
      ['x-ledgerly-delivery', 'd1'],
      ['x-ledgerly-attempt', '9'],
    ],
    body: BODY,
    expect: handled(),
  }),
  // GUIDE §2: "A signature or timestamp header present more than once is rejected, never joined."
  row('A2 signature split over two header lines (t=… and v1=…)', {
    headers: [JSON_TYPE, [SIG, `t=${T}`], [SIG, `v1=${hmacHex(BODY)}`]],
    body: BODY,
    expect: rejected('MALFORMED_SIGNATURE'),
    only: {
      edge: {
        seen: handled(),
        why: 'Fetch Headers joins a repeated header as "a, b" before the adapter sees it; edge README: "two headers that join into a valid signature header are read as one"',
      },
    },
  }),
  row('A2 signature header twice, the second empty', {
    headers: [...signed(BODY), [SIG, '']],
    body: BODY,
    expect: rejected('MALFORMED_SIGNATURE'),
  }),
  row('A2 legacy signature header twice', {
    headers: [...legacy(BODY), [SIG, hmacHex(BODY)]],
    body: BODY,
    expect: rejected('MALFORMED_SIGNATURE'),
  }),
  row('A2 X-Ledgerly-Timestamp twice (legacy form)', {
    headers: [...legacy(BODY), [TS, String(T)]],
    body: BODY,
    expect: rejected('MALFORMED_TIMESTAMP'),
  }),
  row('A2 X-Ledgerly-Timestamp twice beside t=', {
    headers: [...signed(BODY), [TS, String(T)], [TS, String(T)]],
    body: BODY,
    expect: rejected('MALFORMED_TIMESTAMP'),
  }),
  row('B8 legacy form without X-Ledgerly-Timestamp', {
    headers: [JSON_TYPE, [SIG, hmacHex(BODY)]],
    body: BODY,
    expect: rejected('MISSING_TIMESTAMP'),
  }),
  row('B8 legacy form with a blank X-Ledgerly-Timestamp', {
    headers: [JSON_TYPE, [SIG, hmacHex(BODY)], [TS, '  ']],
    body: BODY,
    expect: rejected('MISSING_TIMESTAMP'),
  }),
  row('B9 legacy form, X-Ledgerly-Timestamp: abc', {
    headers: [JSON_TYPE, [SIG, hmacHex(BODY)], [TS, 'abc']],
    body: BODY,
    expect: rejected('MALFORMED_TIMESTAMP'),
  }),
  row('B12 legacy form, timestamp now - tolerance - 1', {
    headers: legacy(BODY, T - 301),
    body: BODY,
    expect: rejected('TIMESTAMP_TOO_OLD'),
  }),
  row('B12 legacy form, timestamp now + tolerance + 1', {
    headers: legacy(BODY, T + 301),
    body: BODY,
    expect: rejected('TIMESTAMP_TOO_NEW'),
  }),
  row('Standard Webhooks webhook-* headers on a Ledgerly route', {
    headers: standardWebhooksHeaders('webhook'),
    body: BODY,
    expect: rejected('MISSING_SIGNATURE'),
  }),
  row('Standard Webhooks svix-* headers on a Ledgerly route', {
    headers: standardWebhooksHeaders('svix'),
    body: BODY,
    expect: rejected('MISSING_SIGNATURE'),
  }),
  row('Standard Webhooks headers beside a valid Ledgerly signature', {
    headers: [...standardWebhooksHeaders('webhook'), [SIG, compound(BODY)]],
    body: BODY,
    expect: handled(),
  }),
]

const BODY_ROWS: Row[] = [
  row('signed body sent chunked (no Content-Length)', {
    headers: signed(BODY),
    chunks: [enc.encode(BODY.slice(0, 20)), enc.encode(BODY.slice(20))],
    expect: handled(),
  }),
  row('D24 empty chunked body, signed', {
    headers: signed(''),
    chunks: [],
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D24 invalid UTF-8, signed', {
    headers: signed(invalidUtf8),
    body: invalidUtf8,
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D24 BOM then JSON, signed', {
    headers: signed(bomBody),
    body: bomBody,
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D24 nested __proto__ key, signed', {
    headers: signed('{"event":"e","data":{"id":"1","x":{"__proto__":{"admin":true}}}}'),
    body: '{"event":"e","data":{"id":"1","x":{"__proto__":{"admin":true}}}}',
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D24 JSON without data.id, signed', {
    headers: signed('{"event":"entry_persisted","data":{}}'),
    body: '{"event":"entry_persisted","data":{}}',
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D24 a JSON array, signed', {
    headers: signed('[1,2]'),
    body: '[1,2]',
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D27 Content-Encoding: gzip, signed as compressed', {
    headers: [...signed(gzipped), ['content-encoding', 'gzip']],
    body: gzipped,
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D27 charset=iso-8859-1 with a Latin-1 byte, signed', {
    headers: [
      ['content-type', 'application/json; charset=iso-8859-1'],
      [SIG, compound(latin1Body)],
    ],
    body: latin1Body,
    expect: rejected('INVALID_PAYLOAD'),
  }),
  row('D27 no Content-Type at all', { headers: [[SIG, compound(BODY)]], body: BODY, expect: handled() }),
  row('D27 Content-Type application/x-www-form-urlencoded', {
    headers: [
      ['content-type', 'application/x-www-form-urlencoded'],
      [SIG, compound(BODY)],
    ],
    body: BODY,
    expect: handled(),
  }),
]

const METHOD_ROWS: Row[] = [
  // Mounted on POST, as every README mounts it: another method never reaches the middleware.
  row('GET on the POST route', { method: 'GET', headers: signed(''), expect: notFound(), only: NO_ROUTE }),
  row('HEAD on the POST route', { method: 'HEAD', headers: signed(''), expect: notFound(), only: NO_ROUTE }),
  row('PUT on the POST route, validly signed', {
    method: 'PUT',
    headers: signed(BODY),
    body: BODY,
    expect: notFound(),
    only: NO_ROUTE,
  }),
  row('OPTIONS on the POST route', {
    method: 'OPTIONS',
    headers: [],
    expect: notFound(),
    only: {
      ...NO_ROUTE,
      express: {
        seen: { status: 200, contentType: 'text/plain' },
        why: "Express answers OPTIONS itself with 200 and `Allow: POST` for a path it has routes on (router's automatic OPTIONS response)",
      },
    },
  }),
  // Routing: the same path spelled differently. Express's router is case-insensitive and non-strict by
  // default; Hono's and the bridge's match the path exactly.
  ...(
    [
      [
        'with a trailing slash',
        '/webhooks/',
        'non-strict by default (`strict: false`): /webhooks/ matches /webhooks',
      ],
      ['in upper case', '/WEBHOOKS', 'case-insensitive by default (`caseSensitive: false`)'],
    ] as const
  ).map(([spelling, path, rule]) =>
    row(`POST to the path ${spelling}`, {
      path,
      headers: signed(BODY),
      body: BODY,
      expect: notFound(),
      only: { ...NO_ROUTE, express: { seen: handled(), why: `Express's router is ${rule}` } },
    }),
  ),
  row('POST with a query string', {
    path: '/webhooks?source=ledgerly',
    headers: signed(BODY),
    body: BODY,
    expect: handled(),
  }),
  // Mounted for every method: the method is not part of what is signed, so the middleware decides alike.
  row('GET on an all-methods route, unsigned', {
    method: 'GET',
    path: '/any',
    headers: [],
    expect: rejected('MISSING_SIGNATURE'),
  }),
  row('GET on an all-methods route, signed empty body', {
    method: 'GET',
    path: '/any',
    headers: signed(''),
    expect: rejected('INVALID_PAYLOAD'),
  }),
  // A HEAD answer has no body: only the status and headers can be compared.
  row('HEAD on an all-methods route, signed empty body', {
    method: 'HEAD',
    path: '/any',
    headers: signed(''),
    expect: rejected('INVALID_PAYLOAD', { code: null, type: null }),
  }),
  row('PUT on an all-methods route, validly signed', {
    method: 'PUT',
    path: '/any',
    headers: signed(BODY),
    body: BODY,
    expect: handled(),
  }),
  row('GET with a signed body on an all-methods route', {
    method: 'GET',
    path: '/any',
    headers: signed(BODY),
    body: BODY,
    expect: handled(),
    only: {
      edge: {
        seen: rejected('SIGNATURE_MISMATCH'),
        why: 'a Fetch Request cannot carry a GET body (new Request() throws on one), so the edge adapter verifies an empty body',
      },
    },
  }),
]

const HANDLER_ROWS: Row[] = [
  row('the handler throws', {
    headers: signed(BODY),
    body: BODY,
    handler: 'throw',
    expect: rejected('INTERNAL_ERROR', { ran: 1 }),
    only: HANDLER_THREW,
  }),
  row('the handler answers 422', {
    headers: signed(BODY),
    body: BODY,
    handler: '422',
    expect: unprocessable(),
  }),
]

/** A signed delivery of the event `id` to `path` (each row its own id: stores live for the whole file). */
function deliveryTo(path: string, id: string, more: Partial<Step> & { expect: Seen }): Step {
  const body = eventBody(id)
  return { path, headers: signed(body), body, ...more }
}

const guarded = (id: string, more: Partial<Step> & { expect: Seen }) => deliveryTo('/guarded', id, more)

const bigBody = (size: number) => eventBody('big', size)

const GUARDED_ROWS: Row[] = [
  row('guarded: a signed delivery from an allowed source', guarded('g-ok', { expect: handled() })),
  row('guarded: X-Forwarded-For outside the list, trustProxy off (ignored)', {
    ...guarded('g-xff', { expect: handled() }),
    headers: [...signed(eventBody('g-xff')), ['x-forwarded-for', '198.51.100.7']],
  }),
  row('guarded: body of exactly maxBodyBytes', {
    path: '/guarded',
    headers: signed(eventBody('g-exact', LIMIT)),
    body: eventBody('g-exact', LIMIT),
    expect: handled(),
  }),
  row('D25 guarded: maxBodyBytes + 1, with Content-Length', {
    path: '/guarded',
    headers: signed(bigBody(LIMIT + 1)),
    body: bigBody(LIMIT + 1),
    expect: rejected('PAYLOAD_TOO_LARGE'),
  }),
  row('D25 guarded: 64 KiB with Content-Length, bad signature (413 before verifying)', {
    path: '/guarded',
    headers: [JSON_TYPE, [SIG, `t=${T},v1=${'0'.repeat(64)}`]],
    body: bigBody(64 * 1024),
    expect: rejected('PAYLOAD_TOO_LARGE'),
  }),
  row('D25 guarded: maxBodyBytes + 1, chunked', {
    path: '/guarded',
    headers: signed(bigBody(LIMIT + 1)),
    chunks: [enc.encode(bigBody(LIMIT + 1).slice(0, 300)), enc.encode(bigBody(LIMIT + 1).slice(300))],
    expect: rejected('PAYLOAD_TOO_LARGE'),
  }),
  row('D25 guarded: 8 × 64 KiB, chunked', {
    path: '/guarded',
    headers: signed(''),
    chunks: Array.from({ length: 8 }, () => new Uint8Array(64 * 1024).fill(0x20)),
    expect: rejected('PAYLOAD_TOO_LARGE'),
  }),
  scenario('F31 guarded: the same delivery twice', [
    guarded('g-twice', { expect: handled() }),
    guarded('g-twice', { expect: duplicate() }),
  ]),
  scenario('F32/F34 guarded: a retry with a fresh t, signature and X-Ledgerly-Delivery', [
    guarded('g-retry', { expect: handled() }),
    {
      path: '/guarded',
      headers: [...signed(eventBody('g-retry'), T + 60), ['x-ledgerly-delivery', 'another-delivery']],
      body: eventBody('g-retry'),
      expect: duplicate(),
    },
  ]),
  scenario('F32 guarded: the handler answers 422, then the event is delivered again (claim released)', [
    guarded('g-422', { handler: '422', expect: unprocessable() }),
    guarded('g-422', { expect: handled() }),
    guarded('g-422', { expect: duplicate() }),
  ]),
  scenario('F32 guarded: the handler throws, then the event is delivered again (claim released)', [
    guarded('g-throw', {
      handler: 'throw',
      expect: rejected('INTERNAL_ERROR', { ran: 1 }),
      only: HANDLER_THREW,
    }),
    guarded('g-throw', { expect: handled() }),
  ]),
  scenario('F33 guarded: a second delivery while the first is being handled', [
    guarded('g-busy', { handler: 'hold', expect: handled() }),
    guarded('g-busy', { expect: rejected('IN_PROGRESS', { retryAfter: String(LEASE_MS / 1000) }) }),
  ]),
  scenario('guarded: a forged delivery takes no claim (the real one then runs)', [
    {
      ...guarded('g-forged', { expect: rejected('SIGNATURE_MISMATCH') }),
      headers: signed(eventBody('g-forged'), T, 'x'),
    },
    guarded('g-forged', { expect: handled() }),
  ]),
]

const FOREIGN_ROWS: Row[] = [
  row('source outside allowedIps, validly signed', {
    path: '/foreign',
    headers: signed(BODY),
    body: BODY,
    expect: rejected('FORBIDDEN_SOURCE'),
  }),
  row('source outside allowedIps, X-Forwarded-For inside it, trustProxy off', {
    path: '/foreign',
    headers: [...signed(BODY), ['x-forwarded-for', '192.0.2.7']],
    body: BODY,
    expect: rejected('FORBIDDEN_SOURCE'),
  }),
  row('source outside allowedIps, unsigned', {
    path: '/foreign',
    headers: [],
    body: BODY,
    expect: rejected('FORBIDDEN_SOURCE'),
  }),
  row('source outside allowedIps, body over maxBodyBytes (403 before the body)', {
    path: '/foreign',
    headers: signed(bigBody(LIMIT * 4)),
    body: bigBody(LIMIT * 4),
    expect: rejected('FORBIDDEN_SOURCE'),
  }),
]

const proxied = (forwardedFor: readonly string[], expect: Seen): Step => ({
  path: '/proxied',
  headers: [...signed(BODY), ...forwardedFor.map((value): [string, string] => ['x-forwarded-for', value])],
  body: BODY,
  expect,
})

const PROXY_ROWS: Row[] = [
  row('trustProxy 1: X-Forwarded-For inside allowedIps', proxied(['192.0.2.7'], handled())),
  row('trustProxy 1: no X-Forwarded-For', proxied([], rejected('FORBIDDEN_SOURCE'))),
  row(
    'trustProxy 1: a client-written entry before ours is ignored',
    proxied(['203.0.113.9, 192.0.2.7'], handled()),
  ),
  row(
    'trustProxy 1: our entry outside allowedIps',
    proxied(['192.0.2.7, 203.0.113.9'], rejected('FORBIDDEN_SOURCE')),
  ),
  row(
    'trustProxy 1: X-Forwarded-For on two lines (the last one is ours)',
    proxied(['203.0.113.9', '192.0.2.7'], handled()),
  ),
  row('trustProxy 1: entry with a port', proxied(['192.0.2.7:443'], handled())),
  row('trustProxy 1: IPv4-mapped IPv6 entry', proxied(['::ffff:192.0.2.7'], handled())),
  row('trustProxy 1: garbage entry', proxied(['not-an-address'], rejected('FORBIDDEN_SOURCE'))),
  row('trustProxy 1: A2 signature split over two header lines', {
    ...proxied(['192.0.2.7'], rejected('MALFORMED_SIGNATURE')),
    headers: [JSON_TYPE, [SIG, `t=${T}`], [SIG, `v1=${hmacHex(BODY)}`], ['x-forwarded-for', '192.0.2.7']],
    only: {
      edge: {
        seen: handled(),
        why: 'Fetch Headers joins a repeated header (edge README, as in the row without trustProxy)',
      },
    },
  }),
]

const HOOK_ROWS: Row[] = [
  row('onError: a valid delivery does not call it', {
    path: '/hooked',
    headers: signed(BODY),
    body: BODY,
    expect: handled(),
  }),
  row('onError replaces a 400', {
    path: '/hooked',
    headers: [JSON_TYPE],
    body: BODY,
    expect: { ...rejected('MISSING_SIGNATURE'), code: 'REPLACED', type: null, hooked: 1 },
  }),
  row('onError throws on a 401 → 500 INTERNAL_ERROR', {
    path: '/hooked',
    headers: signed(BODY, T, 'attacker-secret'),
    body: BODY,
    expect: rejected('INTERNAL_ERROR', { hooked: 1 }),
  }),
  row('onError keeps a 413', {
    path: '/hooked',
    headers: signed(bigBody(LIMIT + 1)),
    body: bigBody(LIMIT + 1),
    expect: rejected('PAYLOAD_TOO_LARGE', { hooked: 1 }),
  }),
  row('onError and a handler that throws', {
    path: '/hooked',
    headers: signed(BODY),
    body: BODY,
    handler: 'throw',
    expect: rejected('INTERNAL_ERROR', { ran: 1, hooked: 1 }),
    only: {
      express: {
        seen: { ...HANDLER_THREW.express!.seen, hooked: 0 },
        why: "Express's error handler answers the route's error; onError sees only the middleware's rejections (express README, onError)",
      },
      hono: {
        seen: { ...HANDLER_THREW.hono!.seen, hooked: 0 },
        why: "Hono's app.onError answers the route's error; the middleware's onError never sees it (hono README, onError)",
      },
      // edge README, onError: "called for every rejection and handler error".
    },
  }),
]

/**
 * Hono and edge send the handler's answer once the store has recorded the outcome (runOnce awaits it);
 * Express sends it as the handler ends its response and records the outcome meanwhile, because holding
 * the real `res.end` back breaks Express's own `headersSent` checks. A redelivery inside that window finds
 * the key still held: 503 IN_PROGRESS, which the sender retries (nothing is lost).
 */
const EXPRESS_ANSWERS_FIRST: Only = {
  express: {
    seen: rejected('IN_PROGRESS', { ran: 0, retryAfter: String(LEASE_MS / 1000) }),
    why: "Express's answer leaves as the handler ends it, before the slow store has recorded it (express README, idempotency)",
  },
}

const SETTLING_ROWS: Row[] = [
  // bad-inputs F32: "200 no-op if done". The handler answered 2xx, so the event is done.
  scenario('F32 slow store: a redelivery right after the 2xx answer', [
    deliveryTo('/slow-store', 's-done', { expect: handled() }),
    deliveryTo('/slow-store', 's-done', { expect: duplicate(), only: EXPRESS_ANSWERS_FIRST }),
  ]),
  // bad-inputs F32: "processed again if the first attempt failed".
  scenario('F32 slow store: a redelivery right after a 422 answer', [
    deliveryTo('/slow-store', 's-422', { handler: '422', expect: unprocessable() }),
    deliveryTo('/slow-store', 's-422', { expect: handled(), only: EXPRESS_ANSWERS_FIRST }),
  ]),
  // The sender times out (GUIDE §3: it retries on timeouts) while the handler runs; the handler then
  // succeeds. F32: a later retry is a 200 no-op; the handler must not run twice.
  scenario('F32/F33 the sender hangs up mid-handler, the handler succeeds, then retries', [
    deliveryTo('/short-lease', 'l-gone', {
      handler: 'hold',
      abort: true,
      expect: { ...NOTHING, status: 0, ran: 1 },
    }),
    deliveryTo('/short-lease', 'l-gone', { expect: duplicate() }),
    deliveryTo('/short-lease', 'l-gone', { pauseMs: SHORT_LEASE_MS + 200, expect: duplicate() }),
  ]),
]

const ROWS: Row[] = [
  ...WIRE_ROWS,
  ...HEADER_ROWS,
  ...BODY_ROWS,
  ...METHOD_ROWS,
  ...HANDLER_ROWS,
  ...GUARDED_ROWS,
  ...FOREIGN_ROWS,
  ...PROXY_ROWS,
  ...HOOK_ROWS,
  ...SETTLING_ROWS,
]

// ── Running a row against one adapter ──────────────────────────────────────────────────────────────────

function header(received: Received, name: string): string | null {
  const value = received.headers[name]
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
}

let servers: Record<Adapter, RunningAdapter>

/** Handler runs and onError calls so far, to count what one request caused. */
function counters(adapter: Adapter): { ran: number; hooked: number } {
  return { ran: probe.runs[adapter], hooked: probe.hooked[adapter] }
}

function since(adapter: Adapter, before: { ran: number; hooked: number }) {
  const after = counters(adapter)
  return { ran: after.ran - before.ran, hooked: after.hooked - before.hooked }
}

function observe(received: Received, caused: { ran: number; hooked: number }): Seen {
  let json: { code?: unknown; type?: unknown; outcome?: unknown } | undefined
  try {
    json = JSON.parse(received.body)
  } catch {
    json = undefined
  }
  const field = (value: unknown) => (typeof value === 'string' ? value : null)
  return {
    status: received.status,
    contentType: header(received, 'content-type'),
    code: field(json?.code),
    type: field(json?.type),
    retryAfter: header(received, 'retry-after'),
    cacheControl: header(received, 'cache-control'),
    outcome: field(json?.outcome),
    ...caused,
  }
}

function deliver(adapter: Adapter, step: Step, signal?: AbortSignal): Promise<Received> {
  const headers: HeaderPairs =
    step.handler && step.handler !== 'ok' ? [...step.headers, [HANDLER_HEADER, step.handler]] : step.headers
  return send(servers[adapter].port, {
    method: step.method ?? 'POST',
    path: step.path ?? '/webhooks',
    headers,
    ...(step.chunks ? { chunks: step.chunks } : { body: step.body ?? '' }),
    ...(signal ? { signal } : {}),
  })
}

/**
 * A `hold` + `abort` step: the sender gives up (closes the connection) while the handler is still running,
 * as Ledgerly's sender does on its per-attempt timeout; the handler then finishes normally. Nobody reads an
 * answer: only what ran is compared (status 0).
 */
async function abandon(adapter: Adapter, step: Step): Promise<Seen> {
  const before = counters(adapter)
  const controller = new AbortController()
  const entered = probe.armHold()
  const sent = deliver(adapter, step, controller.signal).catch(() => undefined)
  await Promise.race([entered, sent])
  controller.abort()
  await sent
  await sleep(50) // the server sees the connection close before the handler answers
  probe.release()
  await sleep(100) // the handler answers (into a closed connection) and the claim is settled
  return { ...NOTHING, status: 0, ...since(adapter, before) }
}

/** Plays a row's steps in order against one adapter; a `hold` step overlaps with the step after it. */
async function play(adapter: Adapter, steps: readonly Step[]): Promise<Seen[]> {
  const seen: Seen[] = []
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!
    if (step.pauseMs) await sleep(step.pauseMs)
    if (step.abort) {
      seen.push(await abandon(adapter, step))
      continue
    }
    const before = counters(adapter)
    const next = steps[i + 1]
    if (step.handler !== 'hold' || !next) {
      const received = await deliver(adapter, step)
      seen.push(observe(received, since(adapter, before)))
      continue
    }
    const entered = probe.armHold()
    const held = deliver(adapter, step)
    await Promise.race([entered, held])
    const during = counters(adapter)
    const second = await deliver(adapter, next)
    const secondCaused = since(adapter, during)
    probe.release()
    const first = await held
    const total = since(adapter, before)
    seen.push(
      observe(first, { ran: total.ran - secondCaused.ran, hooked: total.hooked - secondCaused.hooked }),
      observe(second, secondCaused),
    )
    i++
  }
  return seen
}

/**
 * One framework difference that applies to every row, so it is written once here: @hono/node-server gives
 * any answer without a Content-Type `text/plain; charset=UTF-8` (its listener's buildOutgoingHttpHeaders),
 * a 204 included. It is the server's doing, not the middleware's (`app.request()` shows none).
 */
function serverDefaults(adapter: Adapter, seen: Seen): Seen {
  if (adapter === 'hono' && seen.status !== 0 && seen.contentType === null)
    return { ...seen, contentType: 'text/plain; charset=UTF-8' }
  return seen
}

function expectedFor(adapter: Adapter, steps: readonly Step[]): Seen[] {
  return steps.map((step) => serverDefaults(adapter, { ...step.expect, ...step.only?.[adapter]?.seen }))
}

describe('Express, Hono and edge on real servers', () => {
  beforeAll(async () => {
    // The handler-throws rows make Hono and edge log the error (their documented default): keep the
    // output readable. Nothing here asserts on logs.
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    servers = await startAdapters(ROUTES, probe)
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    await Promise.all(ADAPTERS.map((adapter) => servers[adapter].close()))
  })

  it('the table has at least 40 rows, each named once', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40)
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length)
  })

  it.each(ROWS.map((r) => [r.name, r] as const))('%s → all three adapters answer alike', async (_name, r) => {
    const actual = {} as Record<Adapter, Seen[]>
    const expected = {} as Record<Adapter, Seen[]>
    for (const adapter of ADAPTERS) {
      actual[adapter] = await play(adapter, r.steps)
      expected[adapter] = expectedFor(adapter, r.steps)
    }
    expect(actual).toEqual(expected)
  })
})
