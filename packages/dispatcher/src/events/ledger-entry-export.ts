import type { LedgerActor, LedgerEntryExport, LedgerTarget } from '@ledgerly/webhooks'

/** A ledger entry as the app records it, before export. Dates may be `Date` objects. */
export interface LedgerEntryInput {
  id: string | number
  action: string
  actor?: LedgerActor | null
  target?: LedgerTarget | null
  diff?: Record<string, unknown> | null
  metadata?: Record<string, unknown> | null
  context?: Record<string, unknown> | null
  severity?: string
  created_at?: Date | string
}

/** Renders entries into the `data` of an `entry_persisted` webhook. Versioned so receivers see one shape. */
export interface LedgerEntryExporter {
  /** Bumped whenever the rendered shape changes. */
  readonly version: number
  export(entry: LedgerEntryInput): LedgerEntryExport
}

/**
 * `LedgerEntryExport` version 1: the nine fields Ledgerly documents, in its order, with absent optional
 * fields as `null`, severity defaulting to `"info"` and `created_at` as ISO 8601.
 *
 * @example
 * ```ts
 * import { ledgerEntryExportV1 } from '@ledgerly/webhooks-dispatcher'
 * const data = ledgerEntryExportV1.export({ id: 'e_1', action: 'invoice.updated', created_at: new Date() })
 * ```
 */
export const ledgerEntryExportV1: LedgerEntryExporter = Object.freeze({
  version: 1,
  export(entry: LedgerEntryInput): LedgerEntryExport {
    if (typeof entry !== 'object' || entry === null)
      throw new TypeError('LedgerEntryExport: entry must be an object')
    if ((typeof entry.id !== 'string' || entry.id === '') && typeof entry.id !== 'number') {
      throw new TypeError('LedgerEntryExport: entry.id must be a non-empty string or a number')
    }
    if (typeof entry.action !== 'string' || entry.action === '') {
      throw new TypeError('LedgerEntryExport: entry.action must be a non-empty string')
    }
    const created = entry.created_at ?? new Date()
    const createdAt = created instanceof Date ? created.toISOString() : String(created)
    return {
      id: String(entry.id),
      action: entry.action,
      actor: entry.actor ?? null,
      target: entry.target ?? null,
      diff: entry.diff ?? null,
      metadata: entry.metadata ?? null,
      context: entry.context ?? null,
      severity: entry.severity ?? 'info',
      created_at: createdAt,
    }
  },
})
