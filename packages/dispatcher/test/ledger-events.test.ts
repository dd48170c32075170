import { describe, expect, it } from 'vitest'
import { createLedgerEvents, ledgerEntryExportV1, type WebhookDispatcher } from '../src/index.js'

function recorder() {
  const calls: { payload: unknown; event: string }[] = []
  const dispatcher: WebhookDispatcher = {
    async dispatch(payload, event) {
      calls.push({ payload, event })
    },
  }
  return { calls, dispatcher }
}

describe('LedgerEntryExport v1', () => {
  it('minimal entry → all nine fields, nulls for absent ones, severity info, ISO date', () => {
    const data = ledgerEntryExportV1.export({ id: 7, action: 'a.b', created_at: new Date(0) })
    expect(data).toEqual({
      id: '7',
      action: 'a.b',
      actor: null,
      target: null,
      diff: null,
      metadata: null,
      context: null,
      severity: 'info',
      created_at: '1970-01-01T00:00:00.000Z',
    })
    expect(Object.keys(data)).toEqual([
      'id',
      'action',
      'actor',
      'target',
      'diff',
      'metadata',
      'context',
      'severity',
      'created_at',
    ])
    expect(ledgerEntryExportV1.version).toBe(1)
  })

  it.each([
    ['no id', { action: 'x' }],
    ['empty id', { id: '', action: 'x' }],
    ['no action', { id: '1' }],
    ['null entry', null],
  ])('%s → TypeError', (_name, entry) => {
    expect(() => ledgerEntryExportV1.export(entry as never)).toThrow(TypeError)
  })
})

describe('createLedgerEvents (LedgerEntryCreated)', () => {
  it('default dispatcher → gets { event: entry_persisted, data } and the event name', async () => {
    const { calls, dispatcher } = recorder()
    const ledger = createLedgerEvents({ dispatcher })
    await ledger.entryCreated({ id: 'e1', action: 'invoice.paid', created_at: '2026-01-01T00:00:00Z' })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.event).toBe('entry_persisted')
    expect(calls[0]!.payload).toMatchObject({
      event: 'entry_persisted',
      data: { id: 'e1', action: 'invoice.paid' },
    })
  })

  it('per-tenant routing listener → each entry reaches only its tenant', async () => {
    const acme = recorder()
    const globex = recorder()
    const routes: Record<string, WebhookDispatcher> = { acme: acme.dispatcher, globex: globex.dispatcher }
    const ledger = createLedgerEvents()
    ledger.onEntryCreated(async ({ entry, payload, event }) => {
      const tenant = String(entry.context?.tenant)
      await routes[tenant]?.dispatch(payload as never, event)
    })
    await ledger.entryCreated({ id: '1', action: 'x', context: { tenant: 'acme' } })
    await ledger.entryCreated({ id: '2', action: 'x', context: { tenant: 'globex' } })
    await ledger.entryCreated({ id: '3', action: 'x', context: { tenant: 'nobody' } })
    expect(acme.calls.map((c) => (c.payload as { data: { id: string } }).data.id)).toEqual(['1'])
    expect(globex.calls.map((c) => (c.payload as { data: { id: string } }).data.id)).toEqual(['2'])
  })

  it('conditional listener + unsubscribe → stops receiving', async () => {
    const seen: string[] = []
    const ledger = createLedgerEvents()
    const off = ledger.onEntryCreated(({ payload }) => {
      if (payload.data.severity === 'critical') seen.push(payload.data.id)
    })
    await ledger.entryCreated({ id: 'a', action: 'x', severity: 'critical' })
    await ledger.entryCreated({ id: 'b', action: 'x' })
    off()
    await ledger.entryCreated({ id: 'c', action: 'x', severity: 'critical' })
    expect(seen).toEqual(['a'])
  })

  it('a listener rejects → entryCreated rejects with it', async () => {
    const ledger = createLedgerEvents()
    ledger.onEntryCreated(async () => {
      throw new Error('downstream unavailable')
    })
    await expect(ledger.entryCreated({ id: '1', action: 'x' })).rejects.toThrow('downstream unavailable')
  })

  it('custom exporter v2 → its version and shape reach listeners', async () => {
    const versions: number[] = []
    const ledger = createLedgerEvents({
      exporter: {
        version: 2,
        export: (entry) => ({ ...ledgerEntryExportV1.export(entry), severity: 'audit' }),
      },
    })
    ledger.onEntryCreated(({ exportVersion, payload }) => {
      versions.push(exportVersion)
      expect(payload.data.severity).toBe('audit')
    })
    await ledger.entryCreated({ id: '1', action: 'x' })
    expect(versions).toEqual([2])
  })
})
