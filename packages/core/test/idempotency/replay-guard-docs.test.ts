import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

// The Ledgerly sender drops an event for good on any 4xx, and a genuine retry re-signed within the same
// second is byte-identical, so the guard reports it as a replay: every place that shows what to answer a
// replay must say 503 with Retry-After (the retry comes back with a fresh timestamp), never a 4xx.
const root = new URL('../../../../', import.meta.url)
const guidance = [
  'docs/exactly-once.md',
  'packages/core/src/idempotency/replay-guard.ts',
  'packages/redis/src/replay-guard.ts',
]

/** What follows each comparison of the guard's verdict with 'replay': the answer, up to the next `}`. */
function replayAnswers(path: string): string[] {
  const text = readFileSync(new URL(path, root), 'utf8')
  return text
    .split("=== 'replay'")
    .slice(1)
    .map((after) => after.slice(0, after.indexOf('}') + 1))
}

describe('replay guard guidance', () => {
  test.each(guidance)('%s → answers a replay with 503 + Retry-After, never a 4xx', (path) => {
    const answers = replayAnswers(path)
    expect(answers.length).toBeGreaterThan(0)
    for (const answer of answers) {
      expect(answer).toMatch(/status: 503/)
      expect(answer).toMatch(/'retry-after'/)
      expect(answer).not.toMatch(/status: 4\d\d/)
    }
  })

  test('docs/exactly-once.md → no 409 anywhere', () => {
    expect(readFileSync(new URL('docs/exactly-once.md', root), 'utf8')).not.toMatch(/\b409\b/)
  })
})
