import type { Scheme } from './options.js'

/** Who caused a ledger entry. The exact fields depend on the Ledgerly app's actor resolver. */
export interface LedgerActor {
  type?: string
  id?: string | number | null
  name?: string | null
  [field: string]: unknown
}

/** What a ledger entry is about. */
export interface LedgerTarget {
  type?: string
  id?: string | number | null
  [field: string]: unknown
}

/**
 * One persisted ledger entry, as Ledgerly's `LedgerEntryExport` renders it in the `data` of an
 * `entry_persisted` webhook. Field contents are the sending app's; only the envelope is checked at
 * runtime (`event` string, `data` object with an `id`).
 */
export interface LedgerEntryExport {
  id: string
  action: string
  actor: LedgerActor | null
  target: LedgerTarget | null
  diff: Record<string, unknown> | null
  metadata: Record<string, unknown> | null
  context: Record<string, unknown> | null
  severity: string
  /** ISO 8601 date-time. */
  created_at: string
}

/**
 * Maps event names to the type of their `data`. Extend it to type your own events:
 *
 * @example
 * ```ts
 * interface MyEvents extends LedgerlyEvents { invoice_paid: { id: string; amount: number } }
 * const webhook = await verify<MyEvents>({ payload, headers }, { secret })
 * if (webhook.event === 'invoice_paid') webhook.data.amount
 * ```
 */
export interface LedgerlyEvents {
  entry_persisted: LedgerEntryExport
}

/** Any map of event names to data types. */
export type EventMap = object

/** The `entry_persisted` webhook body: `{ event, data }`. */
export interface EntryPersistedPayload {
  event: 'entry_persisted'
  data: LedgerEntryExport
}

/** Fields every verified webhook has, whatever its event. */
export interface VerifiedWebhookBase {
  /** Which scheme verified it. */
  scheme: Scheme
  /** Stable id for idempotency: `data.id` for Ledgerly, the signed `webhook-id` for Standard Webhooks. */
  id: string
  /** Signed timestamp, unix seconds. */
  timestamp: number
  /** Index of the secret that matched, in the order configured (rotation visibility). */
  secretIndex: number
  /**
   * The body bytes exactly as verified. Bytes you passed come back as your own buffer, not a copy, wherever
   * the check finishes on the call (the `Sync` forms, and the async ones on `node:crypto`), so changing that
   * buffer later changes `raw` too; the async Web Crypto path keeps a copy, as it must while it waits.
   */
  raw: Uint8Array
  /** The whole parsed body. */
  body: unknown
}

/**
 * A webhook whose signature, timestamp and envelope checked out. A discriminated union on `event`, so
 * narrowing on `event` types `data`.
 */
export type VerifiedWebhook<Events extends EventMap = LedgerlyEvents> = {
  [Name in keyof Events & string]: VerifiedWebhookBase & { event: Name; data: Events[Name] }
}[keyof Events & string]
