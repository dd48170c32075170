import type { EntryPersistedPayload } from '@ledgerly/webhooks'
import type { WebhookDispatcher } from '../types.js'
import {
  type LedgerEntryExporter,
  type LedgerEntryInput,
  ledgerEntryExportV1,
} from './ledger-entry-export.js'

/** What `LedgerEntryCreated` listeners receive. */
export interface LedgerEntryCreated {
  /** The entry as recorded. */
  entry: LedgerEntryInput
  /** The webhook body, already rendered by the exporter. */
  payload: EntryPersistedPayload
  /** Always `'entry_persisted'`. */
  event: 'entry_persisted'
  /** The `LedgerEntryExport` version that rendered `payload`. */
  exportVersion: number
}

/** A `LedgerEntryCreated` listener; may be async (it is awaited). */
export type LedgerEntryListener = (created: LedgerEntryCreated) => void | Promise<void>

/** Options of {@link createLedgerEvents}. */
export interface LedgerEventsOptions {
  /** When given, every entry goes to it (Ledgerly's `webhook_dispatcher` setting). Omit to route in listeners. */
  dispatcher?: WebhookDispatcher
  /** The `LedgerEntryExport` version. Default {@link ledgerEntryExportV1}. */
  exporter?: LedgerEntryExporter
}

/** The event source. */
export interface LedgerEvents {
  /** Adds a `LedgerEntryCreated` listener; returns an unsubscribe function. */
  onEntryCreated(listener: LedgerEntryListener): () => void
  /** Reports a persisted entry: renders it, then runs every listener in order. Rejects if one rejects. */
  entryCreated(entry: LedgerEntryInput): Promise<void>
}

/**
 * The equivalent of Ledgerly's `LedgerEntryCreated` event: an entry is rendered through the versioned
 * `LedgerEntryExport` into `{ event: 'entry_persisted', data }` and handed to listeners, which route it
 * (conditionally, per tenant, to several dispatchers). Passing `dispatcher` adds the default route.
 *
 * @example
 * ```ts
 * import { createLedgerEvents, createSignedDispatcher } from '@ledgerly/webhooks-dispatcher'
 *
 * const acme = createSignedDispatcher({ url: 'https://acme.example/hooks', secret: acmeSecret })
 * const ledger = createLedgerEvents()
 * ledger.onEntryCreated(async ({ entry, payload, event }) => {
 *   if (entry.context?.tenant === 'acme') await acme.dispatch(payload, event)
 * })
 * await ledger.entryCreated({ id: 'e_1', action: 'invoice.paid', context: { tenant: 'acme' } })
 * ```
 */
export function createLedgerEvents(options: LedgerEventsOptions = {}): LedgerEvents {
  const exporter = options.exporter ?? ledgerEntryExportV1
  if (typeof exporter?.export !== 'function' || !Number.isInteger(exporter.version)) {
    throw new TypeError('createLedgerEvents: "exporter" must be { version, export(entry) }')
  }
  if (options.dispatcher !== undefined && typeof options.dispatcher.dispatch !== 'function') {
    throw new TypeError('createLedgerEvents: "dispatcher" must have a dispatch(payload, event) method')
  }
  const listeners: LedgerEntryListener[] = []
  const { dispatcher } = options
  if (dispatcher) {
    listeners.push(function dispatchToDefault({ payload, event }) {
      return dispatcher.dispatch(payload as unknown as Record<string, unknown>, event)
    })
  }

  return {
    onEntryCreated(listener) {
      if (typeof listener !== 'function') throw new TypeError('onEntryCreated: listener must be a function')
      listeners.push(listener)
      return function unsubscribe() {
        const index = listeners.indexOf(listener)
        if (index >= 0) listeners.splice(index, 1)
      }
    },
    async entryCreated(entry) {
      const payload: EntryPersistedPayload = { event: 'entry_persisted', data: exporter.export(entry) }
      const created: LedgerEntryCreated = {
        entry,
        payload,
        event: 'entry_persisted',
        exportVersion: exporter.version,
      }
      for (const listener of [...listeners]) await listener(created)
    },
  }
}
