import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertBuilt } from './helpers/cli.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))

function runDemo() {
  assertBuilt()
  return new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/demo-dispatcher.mjs'], { cwd: root })
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

describe('scripts/demo-dispatcher.mjs (root `pnpm demo`)', () => {
  it('runs → exit 0 and the summary table counts every outcome', { timeout: 35_000 }, async () => {
    const { code, stdout } = await runDemo()
    expect(code, stdout).toBe(0)
    const line = stdout.split('\n').find((l) => l.startsWith('DEMO_SUMMARY '))
    expect(line, stdout).toBeDefined()
    const summary = JSON.parse(line!.slice('DEMO_SUMMARY '.length))
    expect(summary).toMatchObject({
      dispatched: 12,
      delivered: 10,
      deliveredAfterRetry: 2,
      retries: 6,
      permanentlyFailed: 2,
      failureCodes: ['CLIENT_ERROR', 'TIMEOUT'],
      duplicatesSuppressed: 2,
      forgeriesRejected: 4,
      forgeryCodes: ['MISSING_SIGNATURE', 'SIGNATURE_MISMATCH', 'SIGNATURE_MISMATCH', 'TIMESTAMP_TOO_OLD'],
    })
    expect(stdout).toMatch(/│ permanently failed\s+│ 2 \(CLIENT_ERROR, TIMEOUT\)/)
    expect(stdout).toMatch(/flaky\s+entry_0007 attempt 3 → HTTP 200 delivered/)
    // The secret is generated per run and never printed.
    expect(stdout).not.toMatch(/secret: \S{20,}/)
  })
})
