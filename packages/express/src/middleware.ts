import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VerifiedWebhook } from '@ledgerly/webhooks'
import {
  type AdapterOptions,
  type AdapterSettings,
  answerFor,
  clientIp,
  ForbiddenSourceError,
  validateAdapterOptions,
} from '@ledgerly/webhooks/http'
import { type IdempotencyOptions, validateIdempotencyOptions } from '@ledgerly/webhooks/idempotency'
import { sendProblem } from './answer.js'
import { claimOrAnswer } from './once.js'
import { RequestAbortedError } from './raw-body.js'
import { type ExpressLikeRequest, requestBody } from './request-body.js'

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

/**
 * The request as the middleware sees it: Express's, structurally, so no `@types/express` is required.
 * With Express's types, `req.ledgerly` is also on `Express.Request` (declaration merging).
 *
 * @example
 * ```ts
 * function eventName(req: WebhookRequest): string | undefined {
 *   return req.ledgerly?.event
 * }
 * ```
 */
export interface WebhookRequest extends ExpressLikeRequest {
  ledgerly?: VerifiedWebhook
}

/**
 * An Express (4 or 5) middleware: `(req, res, next) => void`. Assignable wherever Express takes a handler.
 *
 * @example
 * ```ts
 * const verifyLedgerly: LedgerlyMiddleware = ledgerlyWebhook({ secret })
 * router.post('/ledgerly', verifyLedgerly, handler)
 * ```
 */
export type LedgerlyMiddleware = (
  req: WebhookRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

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

function assertAllowed(req: IncomingMessage, settings: AdapterSettings): void {
  if (!settings.isAllowed) return
  const ip = clientIp(req.socket.remoteAddress, forwardedFor(req), settings.trustProxy)
  if (ip === undefined || !settings.isAllowed(ip)) throw new ForbiddenSourceError()
}

async function verifyRequest(req: WebhookRequest, settings: AdapterSettings): Promise<VerifiedWebhook> {
  assertAllowed(req, settings)
  const payload = await requestBody(req, settings.maxBodyBytes)
  // verifySync: on Node the HMAC is node:crypto, synchronous either way, so the async form would only add
  // a promise hop per request.
  return settings.verifier.verifySync({ payload, headers: wireHeaders(req) })
}

/**
 * Express 4 and 5 middleware that verifies a Ledgerly webhook and puts it on `req.ledgerly`.
 *
 * It reads the raw body itself when nothing has read it yet, or takes the Buffer left by `express.raw()`;
 * a body already parsed by `express.json()`/`urlencoded()` is refused with `PAYLOAD_NOT_RAW` (500). The
 * body limit (`maxBodyBytes`, default 10 MiB) answers 413 before the body is buffered. Every rejection is
 * an `application/problem+json` answer with the status of its code; `next()` is only called for a
 * verified webhook. Options are validated here, once: a bad option throws a `TypeError`/`RangeError`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { ledgerlyWebhook } from '@ledgerly/webhooks-express'
 *
 * const app = express()
 * app.post('/webhooks/ledgerly', ledgerlyWebhook({ secret: process.env.LEDGERLY_WEBHOOK_SECRET! }), (req, res) => {
 *   console.log(req.ledgerly!.event, req.ledgerly!.data.id)
 *   res.sendStatus(204)
 * })
 * ```
 */
export function ledgerlyWebhook(options: ExpressWebhookOptions): LedgerlyMiddleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('ledgerlyWebhook: options { secret } are required')
  }
  const { idempotency: onceOptions, ...adapterOptions } = options
  const settings = validateAdapterOptions(adapterOptions, 'ledgerlyWebhook')
  const idempotency =
    onceOptions === undefined ? undefined : validateIdempotencyOptions(onceOptions, 'ledgerlyWebhook')

  /** Verifies, then claims the event when idempotency is on; false when the request was answered here. */
  async function admit(req: WebhookRequest, res: ServerResponse): Promise<boolean> {
    const webhook = await verifyRequest(req, settings)
    req.ledgerly = webhook
    return idempotency === undefined || claimOrAnswer(webhook, req, res, idempotency)
  }

  async function reject(req: WebhookRequest, res: ServerResponse, error: unknown): Promise<void> {
    // The client hung up mid-body: there is nobody to answer and nothing to report.
    if (error instanceof RequestAbortedError) return
    sendProblem(req, res, await answerFor(error, settings.onError))
  }

  return function ledgerlyWebhookMiddleware(req, res, next) {
    admit(req, res).then(
      function admitted(run) {
        // Outside the rejection path on purpose: an error thrown by the app's handler belongs to Express's
        // error handling, not to a webhook problem answer.
        if (run) next()
      },
      (error: unknown) => reject(req, res, error).catch(next),
    )
  }
}
