import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertBuilt } from './helpers/cli.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** Runs the demo; `summary` sets LEDGERLY_DEMO_SUMMARY=1, which adds the `DEMO_SUMMARY {json}` line. */
function runDemo({ summary }: { summary: boolean }) {
  assertBuilt()
  const env = { ...process.env }
  if (summary) env.LEDGERLY_DEMO_SUMMARY = '1'
  else delete env.LEDGERLY_DEMO_SUMMARY
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/demo-dispatcher.mjs'], { cwd: root, env })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stdout += chunk))
    // The bound: the demo must finish in under 30 s.
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`demo did not finish in 30 s:\n${stdout}`))
    }, 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout })
    })
  })
}

const processedEntries = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `entry_${String(n).padStart(4, '0')}`)

describe('scripts/demo-dispatcher.mjs (root `pnpm demo`)', () => {
  it('runs → exit 0 and the summary table counts every outcome', { timeout: 35_000 }, async () => {
    const { code, stdout } = await runDemo({ summary: true })
    expect(code, stdout).toBe(0)
    const line = stdout.split('\n').find((l) => l.startsWith('DEMO_SUMMARY '))
    expect(line, stdout).toBeDefined()
    const summary = JSON.parse(line!.slice('DEMO_SUMMARY '.length))
    expect(summary).toMatchObject({
      dispatched: 12,
      entries: 10,
      replays: 2,
      deliveredAndProcessed: 8,
      deliveredAfterRetry: 2,
      answeredAsDuplicate: 2,
      duplicateEntries: ['entry_0001', 'entry_0002'],
      retries: 6,
      permanentlyFailed: 2,
      failureCodes: ['CLIENT_ERROR', 'TIMEOUT'],
      entriesProcessed: 8,
      entriesProcessedMoreThanOnce: [],
      forgeriesRejected: 4,
      forgeryCodes: ['MISSING_SIGNATURE', 'SIGNATURE_MISMATCH', 'SIGNATURE_MISMATCH', 'TIMESTAMP_TOO_OLD'],
    })
    // Each deliverable entry's handler ran exactly once (replays included); the rejected and the timed-out
    // entries never reached it.
    expect(summary.handlerRuns).toEqual(Object.fromEntries(processedEntries.map((id) => [id, 1])))

    expect(stdout).toMatch(/│ delivered and processed\s+│ 8\s+│/)
    expect(stdout).toMatch(/│ replays answered as duplicates\s+│ 2 \(handler not run\)/)
    expect(stdout).toMatch(/│ permanently failed\s+│ 2 \(CLIENT_ERROR, TIMEOUT\)/)
    expect(stdout).toMatch(/│ entries processed\s+│ 8, each exactly once \(8 handler runs\)/)
    expect(stdout).toMatch(/flaky\s+entry_0007 attempt 3 → HTTP 200 delivered/)
    for (const id of ['entry_0001', 'entry_0002']) {
      expect(stdout).toMatch(
        new RegExp(
          `receiver\\s+${id} attempt 1 → HTTP 200 duplicate \\(already processed, handler not run\\)`,
        ),
      )
    }
    expect(stdout).toContain('✔ every outcome as expected')
    // The secret is generated per run and never printed.
    expect(stdout).not.toMatch(/secret: \S{20,}/)
    // generateSecret() is 32 random bytes as 43 base64url characters: no such run appears anywhere.
    expect(stdout).not.toMatch(/[A-Za-z0-9_-]{43}/)
  })

  it('prints no DEMO_SUMMARY line without LEDGERLY_DEMO_SUMMARY=1', { timeout: 35_000 }, async () => {
    const { code, stdout } = await runDemo({ summary: false })
    expect(code, stdout).toBe(0)
    expect(stdout).not.toContain('DEMO_SUMMARY')
    expect(stdout).toMatch(/│ entries processed\s+│ 8, each exactly once/)
  })
})
