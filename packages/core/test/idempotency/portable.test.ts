import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

// The idempotency subpath runs on Workers, Vercel Edge, Deno, Bun and browsers: no Node built-ins.
const folder = new URL('../../src/idempotency/', import.meta.url)
const sources = readdirSync(folder).filter((name) => name.endsWith('.ts'))

describe('idempotency sources are portable', () => {
  test('there are sources to check', () => {
    expect(sources.length).toBeGreaterThan(5)
  })

  test.each(sources)('%s → no node: import, no Buffer, no process', (name) => {
    const text = readFileSync(new URL(name, folder), 'utf8')
    expect(text).not.toMatch(/from\s+['"]node:/)
    expect(text).not.toMatch(/\bBuffer\b/)
    expect(text).not.toMatch(/\bprocess\./)
  })
})
