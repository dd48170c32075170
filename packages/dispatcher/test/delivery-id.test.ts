import { describe, expect, test } from 'vitest'
import { newDeliveryId } from '../src/delivery-id.js'

describe('newDeliveryId', () => {
  // 2,000 ids cross the 4 KiB random pool's refill boundary seven times.
  const ids = Array.from({ length: 2_000 }, newDeliveryId)

  test('newDeliveryId() → dlv_ and 32 lowercase hex digits', () => {
    for (const id of ids) expect(id).toMatch(/^dlv_[0-9a-f]{32}$/)
  })

  test('2,000 calls across pool refills → 2,000 distinct ids', () => {
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('2,000 calls → every hex digit in every position (the bytes are random, not a counter)', () => {
    for (let position = 4; position < 36; position++) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(16)
    }
  })
})
