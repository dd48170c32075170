import { Buffer } from 'node:buffer'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, concatInto, fromHex, toHex } from '../src/bytes.js'

describe('toHex', () => {
  it.each([
    [[], ''],
    [[0], '00'],
    [[0, 15, 16, 255], '000f10ff'],
    [[0xab, 0xcd, 0xef], 'abcdef'],
  ])('toHex(%j) → %s', (bytes, hex) => {
    expect(toHex(new Uint8Array(bytes))).toBe(hex)
  })

  it('any bytes, shorter or longer than the 64-byte scratch → the same as Buffer hex, and fromHex reverses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const hex = toHex(bytes)
        expect(hex).toBe(Buffer.from(bytes).toString('hex'))
        expect(fromHex(hex)).toEqual(bytes)
      }),
      { numRuns: 500 },
    )
  })

  it('two tags in a row → two independent strings (the scratch space is not shared by the results)', () => {
    const first = toHex(new Uint8Array(32).fill(1))
    const second = toHex(new Uint8Array(32).fill(2))
    expect(first).toBe('01'.repeat(32))
    expect(second).toBe('02'.repeat(32))
  })
})

describe('concatInto / concatBytes', () => {
  it.each([
    [[], ''],
    [['ab'], 'ab'],
    [['a', '', 'bc', 'def'], 'abcdef'],
  ])('concatInto(%j, out) → out, holding the parts in order', (parts, joined) => {
    const bytes = parts.map((part) => Buffer.from(part))
    const out = Buffer.allocUnsafeSlow(joined.length)
    expect(concatInto(bytes, out)).toBe(out)
    expect(out.toString()).toBe(joined)
    expect(Buffer.from(concatBytes(bytes)).toString()).toBe(joined)
  })
})
