// bad-inputs.md D (body) as rows: what was signed, what was sent, and the answer expected.
import { BODY } from './header-rows.js'

const reserialised: [string, string][] = [
  ['pretty-printed', JSON.stringify(JSON.parse(BODY), null, 2)],
  ['keys reordered', JSON.stringify({ data: JSON.parse(BODY).data, event: 'entry_persisted' })],
  ['CRLF appended', `${BODY}\r\n`],
  ['BOM prepended', `\ufeff${BODY}`],
]
const ACCENTED = JSON.stringify({ event: 'entry_persisted', data: { id: 'caf\u00e9' } })
const ESCAPED = ACCENTED.replace('\u00e9', '\\u00e9')

export interface BodyRow {
  name: string
  signed: string | Uint8Array
  sent: string | Uint8Array
  status: number
  code?: string
}

// D. Body
export const BODY_ROWS: BodyRow[] = [
  ...reserialised.map(
    ([name, sent]): BodyRow => ({
      name: `re-serialised (${name}) → SIGNATURE_MISMATCH`,
      signed: BODY,
      sent,
      status: 401,
      code: 'SIGNATURE_MISMATCH',
    }),
  ),
  {
    name: '\\u00e9 sent for a signed é → SIGNATURE_MISMATCH',
    signed: ACCENTED,
    sent: ESCAPED,
    status: 401,
    code: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'two byte strings with the same lossy UTF-8 text → SIGNATURE_MISMATCH',
    signed: Buffer.from([0x7b, 0xff, 0x7d]),
    sent: Buffer.from([0x7b, 0xfe, 0x7d]),
    status: 401,
    code: 'SIGNATURE_MISMATCH',
  },
  { name: 'signed empty body → INVALID_PAYLOAD', signed: '', sent: '', status: 400, code: 'INVALID_PAYLOAD' },
  {
    name: 'signed invalid JSON → INVALID_PAYLOAD',
    signed: '{"event":',
    sent: '{"event":',
    status: 400,
    code: 'INVALID_PAYLOAD',
  },
  {
    name: 'signed __proto__ key → INVALID_PAYLOAD',
    signed: '{"event":"entry_persisted","data":{"id":"1","__proto__":{"admin":true}}}',
    sent: '{"event":"entry_persisted","data":{"id":"1","__proto__":{"admin":true}}}',
    status: 400,
    code: 'INVALID_PAYLOAD',
  },
  {
    name: 'signed escaped \\u005f_proto__ key → INVALID_PAYLOAD',
    signed: '{"event":"entry_persisted","data":{"id":"1","\\u005f_proto__":{}}}',
    sent: '{"event":"entry_persisted","data":{"id":"1","\\u005f_proto__":{}}}',
    status: 400,
    code: 'INVALID_PAYLOAD',
  },
  {
    name: 'signed body without data.id → INVALID_PAYLOAD',
    signed: '{"event":"x","data":{}}',
    sent: '{"event":"x","data":{}}',
    status: 400,
    code: 'INVALID_PAYLOAD',
  },
]
