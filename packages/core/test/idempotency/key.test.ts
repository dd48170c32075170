import { describe, expect, test } from 'vitest'
import { idempotencyKey } from '../../src/idempotency/index.js'
import { createVerifier, sign } from '../../src/index.js'
import type { VerifiedWebhookBase } from '../../src/types.js'

type Webhook = VerifiedWebhookBase & { event: string }

function webhook(scheme: string, event: string, id: string): Webhook {
  return { scheme, event, id, timestamp: 1, secretIndex: 0, raw: new Uint8Array(), body: {} } as Webhook
}

describe('idempotencyKey', () => {
  test.each([
    [
      'ledgerly entry_persisted/entry_1',
      webhook('ledgerly', 'entry_persisted', 'entry_1'),
      'ledgerly:entry_persisted:entry_1',
    ],
    ['ledgerly numeric id "42"', webhook('ledgerly', 'entry_persisted', '42'), 'ledgerly:entry_persisted:42'],
    [
      'standard-webhooks msg_1 (event ignored)',
      webhook('standard-webhooks', 'invoice.paid', 'msg_1'),
      'standard-webhooks:msg_1',
    ],
    ['":" and "%" escaped', webhook('ledgerly', 'a:b', 'c%d'), 'ledgerly:a%003ab:c%0025d'],
    ['non-ASCII escaped per UTF-16 unit', webhook('ledgerly', 'e', '\u00e9'), 'ledgerly:e:%00e9'],
    ['"~" escaped', webhook('ledgerly', 'e', 'a~b'), 'ledgerly:e:a%007eb'],
  ])('%s → %s', (_label, input, expected) => {
    expect(idempotencyKey(input)).toBe(expected)
  })

  test.each([
    ['event "a:b" id "c" vs event "a" id "b:c"', ['a:b', 'c'], ['a', 'b:c']],
    ['lone surrogate \\ud800 vs \\ud801 (same UTF-8 replacement char)', ['e', '\ud800'], ['e', '\ud801']],
    ['"%003a" literal vs ":"', ['e', '%003a'], ['e', ':']],
  ])('%s → different keys', (_label, [eventA, idA], [eventB, idB]) => {
    const a = idempotencyKey(webhook('ledgerly', eventA!, idA!))
    const b = idempotencyKey(webhook('ledgerly', eventB!, idB!))
    expect(a).not.toBe(b)
  })

  test('id of 10,000 characters → key of at most 100 characters, stable, distinct from a 1-char change', () => {
    const long = 'x'.repeat(10_000)
    const key = idempotencyKey(webhook('ledgerly', 'entry_persisted', long))
    expect(key.length).toBeLessThanOrEqual(100)
    expect(idempotencyKey(webhook('ledgerly', 'entry_persisted', long))).toBe(key)
    expect(idempotencyKey(webhook('ledgerly', 'entry_persisted', `${long.slice(1)}y`))).not.toBe(key)
  })

  test('literal id "~sha256~<hex>" vs the 201-character id it stands for → different keys', () => {
    const long = idempotencyKey(webhook('ledgerly', 'entry_persisted', 'x'.repeat(201)))
    const hashed = long.slice('ledgerly:entry_persisted:'.length)
    expect(hashed).toMatch(/^~sha256~[0-9a-f]{64}$/)
    expect(idempotencyKey(webhook('ledgerly', 'entry_persisted', hashed))).not.toBe(long)
  })

  test.each([
    ['null', null],
    ['a string', 'ledgerly:entry_persisted:1'],
    ['no id', { scheme: 'ledgerly', event: 'entry_persisted' }],
    ['empty id', webhook('ledgerly', 'entry_persisted', '')],
    ['no event (ledgerly)', { scheme: 'ledgerly', id: '1' }],
    ['unknown scheme', webhook('other', 'entry_persisted', '1')],
  ])('idempotencyKey(%s) → TypeError', (_label, input) => {
    expect(() => idempotencyKey(input as never)).toThrow(TypeError)
  })

  test('Standard Webhooks: the key is the signed webhook-id', async () => {
    const secret = `whsec_${Buffer.from('standard-webhooks-test-key').toString('base64')}`
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } })
    const headers = await sign(body, {
      secret,
      scheme: 'standard-webhooks',
      id: 'msg_2Lx',
      timestamp: 1_700_000_000,
    })
    const verified = await createVerifier({
      secret,
      scheme: 'standard-webhooks',
      now: () => 1_700_000_000_000,
    }).verify({ payload: body, headers })
    expect(idempotencyKey(verified)).toBe('standard-webhooks:msg_2Lx')
  })
})
