import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_LEASE_MS, DEFAULT_TTL_MS } from '@ledgerly/webhooks/idempotency'
import { describe, expect, test } from 'vitest'

// A default quoted in prose drifts from the code silently (two READMEs once said 60 s for a 30 s lease,
// and the lease is what a user sizes against their handler's worst-case time). Every README that quotes
// one of these defaults must quote the code's value.
const packagesDir = fileURLToPath(new URL('../packages', import.meta.url))
const readmes = readdirSync(packagesDir).flatMap((folder) => {
  try {
    return [{ name: folder, text: readFileSync(join(packagesDir, folder, 'README.md'), 'utf8') }]
  } catch {
    return []
  }
})

const seconds = (ms: number) => `${ms / 1000} s`
const hours = (ms: number) => `${ms / 3_600_000} h`

describe('defaults quoted in the READMEs', () => {
  test.each([
    ['leaseMs', /`leaseMs`[^.|]*?default (\d+(?:[.,]\d+)? ?(?:s|ms|h))/g, seconds(DEFAULT_LEASE_MS)],
    ['ttlMs', /`ttlMs`[^.|]*?default (\d+(?:[.,]\d+)? ?(?:s|ms|h))/g, hours(DEFAULT_TTL_MS)],
  ])('%s → every README quoting its default quotes the code’s value', (_name, pattern, expected) => {
    const quoted = readmes.flatMap(({ name, text }) =>
      [...text.matchAll(pattern)].map((match) => `${name}: ${match[1]}`),
    )
    expect(quoted.length).toBeGreaterThan(0)
    expect(quoted.filter((entry) => !entry.endsWith(`: ${expected}`))).toEqual([])
  })
})
