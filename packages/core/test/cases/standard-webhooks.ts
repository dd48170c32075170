import { createHmac } from 'node:crypto'
import type { Case } from '../fixtures.js'

// Standard Webhooks' published known-answer case.
export const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
export const SW_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
export const SW_T = 1614265330
export const SW_BODY = '{"test": 2432232314}'
export const SW_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='

const key = Buffer.from(SW_SECRET.slice(6), 'base64')
function swSign(body: string, id = SW_ID, t = SW_T): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${t}.${body}`).digest('base64')}`
}

const options = { scheme: 'standard-webhooks', secret: SW_SECRET, now: () => SW_T * 1000 }
const typed = '{"type":"invoice.paid","timestamp":"2021-02-25T15:42:10Z","data":{"id":"inv_1"}}'

function sw(name: string, headers: Case['headers'], expect: string, payload: string = SW_BODY): Case {
  return { name: `${name} → ${expect}`, headers, payload, options, expect }
}

const base = { 'webhook-id': SW_ID, 'webhook-timestamp': String(SW_T) }

/** The Standard Webhooks scheme. */
export const standardWebhooksCases: Case[] = [
  sw('published known-answer case', { ...base, 'webhook-signature': SW_SIGNATURE }, 'valid'),
  sw(
    'svix-* header names',
    { 'svix-id': SW_ID, 'svix-timestamp': String(SW_T), 'svix-signature': SW_SIGNATURE },
    'valid',
  ),
  sw('typed envelope', { ...base, 'webhook-signature': swSign(typed) }, 'valid', typed),
  sw(
    'several signatures, one valid',
    { ...base, 'webhook-signature': `v1,${'A'.repeat(43)}= ${SW_SIGNATURE}` },
    'valid',
  ),
  sw(
    'unknown version ignored next to v1',
    { ...base, 'webhook-signature': `v1a,abc ${SW_SIGNATURE}` },
    'valid',
  ),
  sw('signature missing', base, 'MISSING_SIGNATURE'),
  sw('only v1a', { ...base, 'webhook-signature': 'v1a,abc' }, 'MALFORMED_SIGNATURE'),
  sw('entry without comma', { ...base, 'webhook-signature': 'v1' }, 'MALFORMED_SIGNATURE'),
  sw('v1 not base64', { ...base, 'webhook-signature': 'v1,not base64!' }, 'MALFORMED_SIGNATURE'),
  sw(
    'v1 base64 of 16 bytes',
    { ...base, 'webhook-signature': `v1,${'A'.repeat(22)}==` },
    'MALFORMED_SIGNATURE',
  ),
  sw(
    'webhook-id missing',
    { 'webhook-timestamp': String(SW_T), 'webhook-signature': SW_SIGNATURE },
    'MALFORMED_SIGNATURE',
  ),
  sw('timestamp missing', { 'webhook-id': SW_ID, 'webhook-signature': SW_SIGNATURE }, 'MISSING_TIMESTAMP'),
  sw(
    'timestamp in milliseconds',
    { ...base, 'webhook-timestamp': `${SW_T}000`, 'webhook-signature': SW_SIGNATURE },
    'MALFORMED_TIMESTAMP',
  ),
  sw(
    'another id',
    { ...base, 'webhook-id': 'msg_other', 'webhook-signature': SW_SIGNATURE },
    'SIGNATURE_MISMATCH',
  ),
  sw(
    'tampered body',
    { ...base, 'webhook-signature': SW_SIGNATURE },
    'SIGNATURE_MISMATCH',
    '{"test": 2432232315}',
  ),
  sw(
    'stale timestamp',
    {
      ...base,
      'webhook-timestamp': String(SW_T - 301),
      'webhook-signature': swSign(SW_BODY, SW_ID, SW_T - 301),
    },
    'TIMESTAMP_TOO_OLD',
  ),
  sw(
    'signature header twice',
    [
      ['webhook-id', SW_ID],
      ['webhook-timestamp', String(SW_T)],
      ['webhook-signature', SW_SIGNATURE],
      ['webhook-signature', SW_SIGNATURE],
    ],
    'MALFORMED_SIGNATURE',
  ),
  sw('body a JSON array', { ...base, 'webhook-signature': swSign('[]') }, 'INVALID_PAYLOAD', '[]'),
  sw(
    'Ledgerly headers only',
    { 'x-ledgerly-signature': `t=${SW_T},v1=${'0'.repeat(64)}` },
    'MISSING_SIGNATURE',
  ),
]
