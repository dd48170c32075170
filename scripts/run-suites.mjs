#!/usr/bin/env node
// Runs every suite CI must run, in order, and fails loudly if any fails or skipped a test.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
mkdirSync(`${root}/.tmp`, { recursive: true })
const vitestReport = `${root}/.tmp/vitest-report.json`

/** Every suite CI must run. Each fails the run when it fails. */
const SUITES = [
  { name: 'lint + format (biome)', command: 'pnpm run lint' },
  { name: 'build (tsup)', command: 'pnpm run build' },
  { name: 'typecheck (tsc, sources and tests)', command: 'pnpm run typecheck' },
  {
    name: 'unit, contract and integration tests (vitest)',
    command: `pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=${vitestReport}`,
    check: checkNothingSkipped,
  },
  { name: 'changesets parse (changeset status)', command: 'pnpm changeset status' },
  { name: 'package lint (publint + attw)', command: 'pnpm -r --filter "./packages/**" run lint:package' },
  { name: 'test vectors (7 JS runtimes + Python + PHP)', command: 'node test-vectors/scripts/run-all.mjs' },
]

function checkNothingSkipped() {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'))
  const skipped = report.numPendingTests + report.numTodoTests
  if (report.numTotalTests === 0) return 'vitest ran no test'
  if (skipped > 0) return `vitest skipped ${skipped} test(s); CI runs every test`
  return undefined
}

const results = []
for (const suite of SUITES) {
  console.log(`\n=== ${suite.name}: ${suite.command}`)
  const started = Date.now()
  const { status } = spawnSync('sh', ['-c', suite.command], { cwd: root, stdio: 'inherit' })
  let problem = status === 0 ? undefined : `exit code ${status}`
  if (!problem && suite.check) problem = suite.check()
  results.push({ name: suite.name, ok: !problem, problem, seconds: (Date.now() - started) / 1000 })
  if (problem) console.error(`!!! ${suite.name} FAILED: ${problem}`)
}

console.log('\n=== summary')
for (const result of results) {
  console.log(
    `${result.ok ? 'ok  ' : 'FAIL'}  ${result.name}  (${result.seconds.toFixed(1)} s)${result.problem ? `  ${result.problem}` : ''}`,
  )
}
const failed = results.filter((result) => !result.ok).length
console.log(`suites: ${results.length - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
