import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventMap, LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import type { ExpressLikeRequest } from './request-body.js'

/**
 * A request that went through `ledgerlyWebhook()`: `Req` with `ledgerly` typed by `Events`.
 *
 * Express types every handler's `req` as its own `Request`, whatever middleware ran before, so a handler
 * behind `ledgerlyWebhook<MyEvents>()` annotates its `req` with this type to see `MyEvents`. `Req` defaults
 * to the structural request the middleware needs (no `@types/express` required); pass Express's `Request`
 * to keep its API (`req.params`, `req.get()`…). Declare `MyEvents` as extending `LedgerlyEvents`: Express's
 * `Request` types `req.ledgerly` with Ledgerly's events (declaration merging), and a handler typed for a
 * map without them is not assignable where Express takes a handler. `Events` is what you tell the type
 * checker; the body is not checked against it beyond `event` and `data.id`.
 *
 * @typeParam Events - Event names to `data` types; default: Ledgerly's (`entry_persisted`).
 * @typeParam Req - The request type to retype; default: the structural Express request.
 *
 * @example
 * ```ts
 * import type { Request, Response } from 'express'
 * import type { LedgerlyEvents } from '@ledgerly/webhooks'
 *
 * interface MyEvents extends LedgerlyEvents { invoice_paid: { id: string; amount: number } }
 *
 * function onWebhook(req: WebhookRequest<MyEvents, Request>, res: Response): void {
 *   const webhook = req.ledgerly!
 *   if (webhook.event === 'invoice_paid') console.log(webhook.data.amount) // number
 *   res.sendStatus(204)
 * }
 * ```
 */
export type WebhookRequest<
  Events extends EventMap = LedgerlyEvents,
  Req extends IncomingMessage = ExpressLikeRequest,
> = Omit<Req, 'ledgerly'> & { ledgerly?: VerifiedWebhook<Events> }

/**
 * An Express (4 or 5) middleware: `(req, res, next) => void`. Assignable wherever Express takes a handler,
 * whatever `Events` is: it puts a `VerifiedWebhook<Events>` on `req.ledgerly`, which a handler reads
 * through {@link WebhookRequest}`<Events>`.
 *
 * @typeParam Events - The event map given to `ledgerlyWebhook<Events>()`; default: Ledgerly's. A label for
 * readers only: the type is the same for every map, and the handler sees the map through the `req` type you
 * annotate, `WebhookRequest<Events, Request>`.
 *
 * @example
 * ```ts
 * const verifyLedgerly: LedgerlyMiddleware = ledgerlyWebhook({ secret })
 * const verifyBilling: LedgerlyMiddleware<MyEvents> = ledgerlyWebhook<MyEvents>({ secret })
 * router.post('/ledgerly', verifyLedgerly, handler)
 * ```
 */
// `Events` only says what lands on `req.ledgerly`: typing `req` with it would make Express's own `Request`
// (whose `ledgerly` has Ledgerly's events) unassignable to the middleware of another event map.
// biome-ignore lint/correctness/noUnusedVariables: a phantom parameter, on purpose (see above)
export type LedgerlyMiddleware<Events extends EventMap = LedgerlyEvents> = (
  req: ExpressLikeRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void
