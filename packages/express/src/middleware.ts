import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventMap, LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import {
  type AdapterOptions,
  type AdapterSettings,
  answerFor,
  isRequestAbortedError,
  sourceRefusal,
  validateAdapterOptions,
} from '@ledgerly/webhooks/http'
import { type IdempotencyOptions, validateIdempotencyOptions } from '@ledgerly/webhooks/idempotency'
import { sendProblem } from './answer.js'
import { claimOrAnswer } from './once.js'
import { type ExpressLikeRequest, requestBody } from './request-body.js'
import type { LedgerlyMiddleware, WebhookRequest } from './webhook-request.js'

/**
 * Options of {@link ledgerlyWebhook}: the verifier's (`secret`, `tolerance`, `now`, `scheme`,
 * `maxPayloadBytes`), the adapters' (`maxBodyBytes`, `allowedIps`, `trustProxy`, `onError`) and
 * `idempotency`.
 *
 * @example
 * ```ts
 * const options: ExpressWebhookOptions = {
 *   secret: [process.env.LEDGERLY_WEBHOOK_SECRET!, process.env.LEDGERLY_WEBHOOK_SECRET_OLD!],
 *   maxBodyBytes: 1024 * 1024,
 *   allowedIps: ['10.0.0.0/8'],
 *   onError: (error, problem) => console.warn('webhook rejected', problem.status),
 * }
 * ```
 */
export interface ExpressWebhookOptions extends AdapterOptions {
  /**
   * Exactly-once handling: `{ store, leaseMs?, ttlMs?, onStoreError? }` (`memoryStore()` from
   * `@ledgerly/webhooks/idempotency` for one process, `redisStore()` for many). The handler runs once per
   * event; a duplicate already handled gets 200 without running it; one still being handled gets 503 with
   * `Retry-After`. A 2xx answer marks the event done; any other answer releases it for the sender's retry.
   */
  idempotency?: IdempotencyOptions
}

function forwardedFor(req: IncomingMessage): string | undefined {
  const value = req.headers['x-forwarded-for']
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * `rawHeaders` keeps a header sent twice as two entries, which the verifier refuses (`headers` has them
 * joined into one `a, b` string), and costs nothing to read (`headersDistinct` builds a new object on first
 * access). Node's parser fills it; a request built by hand (serverless adapters such as serverless-http,
 * some test tools) may only set `headers`: then `headers` is all there is.
 */
function wireHeaders(req: IncomingMessage): IncomingMessage['headers'] | string[] {
  return req.rawHeaders !== undefined && req.rawHeaders.length > 0 ? req.rawHeaders : req.headers
}

/**
 * The advice an `UnknownSourceError` gives an Express app. Express has no `getClientIp`: the address is
 * the socket's, so it is missing exactly when the server listens on something other than TCP.
 */
const NO_PEER_ADDRESS_HINT =
  'The Express adapter checks req.socket.remoteAddress (not req.ip: Express\'s own "trust proxy" setting is not consulted), and a server listening on a Unix socket or a named pipe (behind nginx, Passenger, iisnode) has none. Filter source addresses in that proxy and remove allowedIps here'

/**
 * Whether the client has already closed the connection. Node then reports no `remoteAddress` (unless
 * something read it earlier), and there is nobody left to answer.
 */
function clientGone(req: IncomingMessage): boolean {
  return req.destroyed || req.socket?.destroyed === true
}

/**
 * The `allowedIps` decision, the core's {@link sourceRefusal} shared with the other adapters: `undefined`
 * lets the request in; else a `ForbiddenSourceError` (403: an address outside the list), an
 * `UnknownSourceError` (500, logged: no address at all) or a `RequestAbortedError` (the client is gone:
 * no answer).
 */
function refusedSource(req: IncomingMessage, settings: AdapterSettings): Error | undefined {
  return sourceRefusal(settings, {
    peer: req.socket?.remoteAddress,
    forwardedFor: forwardedFor(req),
    gone: () => clientGone(req),
    howToFix: NO_PEER_ADDRESS_HINT,
  })
}

/**
 * Express 4 and 5 middleware that verifies a Ledgerly webhook and puts it on `req.ledgerly`.
 *
 * It reads the raw body itself when nothing has read it yet, or takes the Buffer left by `express.raw()`;
 * a body already parsed by `express.json()`/`urlencoded()` is refused with `PAYLOAD_NOT_RAW` (500). The
 * body limit (`maxBodyBytes`, default 10 MiB) answers 413 before the body is buffered. With `allowedIps`,
 * a source outside the list is answered 403 before the body is read; a request with no source address to
 * check (a server listening on a Unix socket: `req.socket.remoteAddress` is empty) is answered 500 and
 * logged, so Ledgerly keeps retrying while you fix it (set `trustProxy` behind your own proxy). Every
 * rejection is an `application/problem+json` answer with the status of its code; a client that has already
 * hung up gets no answer at all. `next()` is only called for a verified webhook. Options are validated
 * here, once: a bad option throws a `TypeError`/`RangeError`.
 *
 * @typeParam Events - Your event map, for a sender with events of its own (declare it as extending
 * `LedgerlyEvents`); the handler reads it through `WebhookRequest<Events, Request>`. Default: Ledgerly's.
 *
 * @example
 * ```ts
 * import express, { type Request, type Response } from 'express'
 * import type { LedgerlyEvents } from '@ledgerly/webhooks'
 * import { ledgerlyWebhook, type WebhookRequest } from '@ledgerly/webhooks-express'
 *
 * const app = express()
 * app.post('/webhooks/ledgerly', ledgerlyWebhook({ secret: process.env.LEDGERLY_WEBHOOK_SECRET! }), (req, res) => {
 *   console.log(req.ledgerly!.event, req.ledgerly!.data.id)
 *   res.sendStatus(204)
 * })
 *
 * // Your own events: annotate the handler's `req` to see them.
 * interface MyEvents extends LedgerlyEvents { invoice_paid: { id: string; amount: number } }
 * app.post('/webhooks/billing', ledgerlyWebhook<MyEvents>({ secret: process.env.BILLING_WEBHOOK_SECRET! }), (req: WebhookRequest<MyEvents, Request>, res: Response) => {
 *   if (req.ledgerly!.event === 'invoice_paid') console.log(req.ledgerly!.data.amount)
 *   res.sendStatus(204)
 * })
 *
 * // allowedIps on a Unix socket behind nginx (no TCP peer address): check the address nginx appends to
 * // X-Forwarded-For (proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for).
 * app.post('/webhooks/partner', ledgerlyWebhook({ secret: process.env.PARTNER_WEBHOOK_SECRET!, allowedIps: ['192.0.2.0/24'], trustProxy: 1 }), (req, res) => {
 *   res.sendStatus(204)
 * })
 * ```
 */
export function ledgerlyWebhook<Events extends EventMap = LedgerlyEvents>(
  options: ExpressWebhookOptions,
): LedgerlyMiddleware<Events> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('ledgerlyWebhook: options { secret } are required')
  }
  const { idempotency: onceOptions, ...adapterOptions } = options
  const settings = validateAdapterOptions(adapterOptions, 'ledgerlyWebhook')
  const idempotency =
    onceOptions === undefined ? undefined : validateIdempotencyOptions(onceOptions, 'ledgerlyWebhook')

  /** Answers a rejection with its problem+json (after `onError`); a failure to answer goes to Express. */
  function refuse(
    req: ExpressLikeRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
    error: unknown,
  ) {
    // The client hung up mid-body: there is nobody to answer and nothing to report.
    if (isRequestAbortedError(error)) return
    answerFor(error, settings.onError)
      .then(function answer(problem) {
        sendProblem(req, res, problem)
      })
      .catch(next)
  }

  // Callbacks, not async functions: on the accepted path the body arrives in the stream's `end` event (or
  // is already there, from express.raw()), and next() is called right there, as express.raw() itself does,
  // with no promise hop in between. Only idempotency, whose store is asynchronous, waits on a promise.
  return function ledgerlyWebhookMiddleware(req, res, next) {
    function fail(error: unknown): void {
      refuse(req, res, next, error)
    }
    function admit(payload: Uint8Array): void {
      let webhook: VerifiedWebhook<Events>
      try {
        // verifySync: on Node the HMAC is node:crypto, synchronous either way.
        webhook = settings.verifier.verifySync({
          payload,
          headers: wireHeaders(req),
        }) as VerifiedWebhook<Events>
      } catch (error) {
        fail(error)
        return
      }
      ;(req as WebhookRequest<Events>).ledgerly = webhook
      // Outside the try on purpose: an error thrown by the app's handler belongs to Express's error
      // handling, not to a webhook problem answer.
      if (idempotency === undefined) next()
      else
        claimOrAnswer(webhook, req, res, idempotency).then(function claimed(run) {
          if (run) next()
        }, fail)
    }
    if (settings.isAllowed) {
      const refusal = refusedSource(req, settings)
      if (refusal) {
        fail(refusal)
        return
      }
    }
    requestBody(req, settings.maxBodyBytes, { body: admit, fail })
  }
}
