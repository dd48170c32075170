import type { IncomingMessage } from 'node:http'
import { WebhookVerificationError } from '@ledgerly/webhooks'
import { payloadTooLarge, RequestAbortedError } from '@ledgerly/webhooks/http'
import { type BodyCallbacks, readRawBody } from './raw-body.js'

/** What Express (or a body parser) may have left on the request. */
export interface ExpressLikeRequest extends IncomingMessage {
  body?: unknown
  /**
   * The exact body bytes, where the platform keeps them beside a parsed `body`: Google Cloud Functions and
   * Firebase (which parse JSON before any app code runs), or a body-parser `verify` hook that saved them.
   */
  rawBody?: unknown
}

const HOW_TO_MOUNT =
  'register the webhook route before app.use(express.json()) / express.urlencoded(), on its own or with ' +
  'express.raw({ type: "*/*", limit: "10mb" }) on the route; a parser that runs first consumes the bytes the ' +
  'signature covers'

function describe(body: unknown): string {
  // Reached only without req.rawBody bytes (which would have been verified instead).
  if (typeof body === 'string') return 'a string (express.text() decoded it; decoding can change bytes)'
  if (body === undefined || body === null) return 'already consumed by another middleware'
  if (Array.isArray(body)) return 'an array (a JSON parser ran first)'
  return 'a parsed object (express.json() or express.urlencoded() ran first)'
}

/** True once something has started reading the request stream: its bytes are no longer ours to read. */
function streamConsumed(req: IncomingMessage): boolean {
  return req.readableEnded || req.readableDidRead || req.destroyed
}

/**
 * Hands the exact body bytes of a webhook request to `callbacks.body`, from wherever they are:
 *
 * - a Buffer left by `express.raw()` is used as is (the route already chose its parser);
 * - an unread stream is read here, within `limit` (see {@link readRawBody}). Express 4's `express.json()`
 *   leaves `req.body = {}` on a request it did not parse, so a plain object over an UNREAD stream is not
 *   a parsed body;
 * - a consumed stream with `req.rawBody` bytes beside it (Cloud Functions, Firebase, a body-parser `verify`
 *   hook) is verified on those bytes: they are what was read off the wire;
 * - a stream destroyed before its end, with no bytes beside it, means the client went away before the body
 *   was read (while a slower middleware ran): a {@link RequestAbortedError}, which gets no answer;
 * - anything else means a parser consumed the stream and re-decoded it: the bytes the signature covers are
 *   gone, so it is `PAYLOAD_NOT_RAW` (500 — the receiver's bug, and Ledgerly keeps retrying while it is fixed).
 *
 * Either callback may run before this returns (a Buffer is already there); the caller must be ready.
 */
export function requestBody(req: ExpressLikeRequest, limit: number, callbacks: BodyCallbacks): void {
  const body = req.body
  if (body instanceof Uint8Array) {
    // express.raw() has its own `limit` (100 KiB by default) and ours still applies on top of it. A body
    // over express.raw()'s limit never gets here: body-parser hands a 413 PayloadTooLargeError to next(err),
    // and Express skips to the app's error handlers, so only the README can prevent that (limit: '10mb').
    if (body.length > limit) callbacks.fail(payloadTooLarge(limit, body.length))
    else callbacks.body(body)
    return
  }
  if (!streamConsumed(req)) {
    readRawBody(req, limit, callbacks)
    return
  }
  const raw = req.rawBody
  if (raw instanceof Uint8Array) {
    if (raw.length > limit) callbacks.fail(payloadTooLarge(limit, raw.length))
    else callbacks.body(raw)
    return
  }
  if (req.destroyed && !req.readableEnded) {
    // Nobody read this body: the client hung up first, and there is nobody left to answer.
    callbacks.fail(new RequestAbortedError())
    return
  }
  callbacks.fail(
    new WebhookVerificationError(
      'PAYLOAD_NOT_RAW',
      `The webhook request body is ${describe(body)}`,
      HOW_TO_MOUNT,
    ),
  )
}
