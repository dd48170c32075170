/**
 * `@ledgerly/webhooks-dispatcher`: the reference Ledgerly webhook sender. Signs every attempt, delivers
 * over keep-alive HTTP, retries on Ledgerly's schedule through a pluggable queue.
 *
 * @module
 */
export type { DeliveryLog } from './delivery-log.js'
export type { LedgerEntryExporter, LedgerEntryInput } from './events/ledger-entry-export.js'
export { ledgerEntryExportV1 } from './events/ledger-entry-export.js'
export type {
  LedgerEntryCreated,
  LedgerEntryListener,
  LedgerEvents,
  LedgerEventsOptions,
} from './events/ledger-events.js'
export { createLedgerEvents } from './events/ledger-events.js'
export type { DispatcherEventName, DispatcherEvents, DispatcherListener } from './hooks.js'
export type { SignedDispatcherOptions } from './options.js'
export type {
  CloseOptions,
  DeliveryHandler,
  DeliveryJob,
  DeliveryQueue,
  EnqueueOptions,
  ProcessOptions,
  QueueCloseReport,
  QueueCounts,
} from './queues/contract.js'
export type { MemoryQueueOptions } from './queues/memory-queue.js'
export { memoryQueue } from './queues/memory-queue.js'
export { backoffSeconds, DEFAULT_RETRY } from './retry.js'
export type { DispatchOptions, SignedWebhookDispatcher } from './signed-dispatcher.js'
export { createSignedDispatcher } from './signed-dispatcher.js'
export type {
  AttemptRecord,
  DeliveryErrorCode,
  DeliveryRecord,
  RetryPolicy,
  WebhookDispatcher,
  WebhookPayload,
} from './types.js'
