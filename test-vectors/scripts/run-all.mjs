#!/usr/bin/env node
// The one entry point: build the core from source, then schema validation, drift check and every runner
// (JavaScript runtimes and the Python and PHP reference verifiers). Prints a summary table; exits 1 if
// the build or any step failed or could not start. Nothing is skipped: a missing runtime is a failure
// with its reason.
//   node test-vectors/scripts/run-all.mjs
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { buildCore } from './lib/build-core.mjs'
import { loadVectors } from './lib/load-vectors.mjs'
import { packageDir, tmpDir } from './lib/paths.mjs'

const require = createRequire(import.meta.url)
const bin = (name) => join(packageDir, 'node_modules', '.bin', name)
const script = (path) => join(packageDir, 'scripts', path)
const STEP_TIMEOUT_MS = 120_000

/** The machine's own Node, even when a package manager put node_modules/.bin/node (Node 22) first on PATH. */
function hostNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue
    const candidate = join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  return process.execPath
}

function node22() {
  return join(dirname(require.resolve('node/package.json')), 'bin', 'node')
}

const HOST = hostNode()

// How many cases each runner must report (passed + failed), from the files: a runner that skipped a file,
// a form or the primitives would otherwise pass on whatever it did run.
const { documents, primitives } = loadVectors()
const V = documents.reduce((sum, document) => sum + document.cases.length, 0)
const H = primitives.cases.length
/** Node, Bun, Deno: both builds, sync and async (4 forms); RFC 4231 with Web Crypto and node:crypto. */
const BOTH_BUILDS = 4 * V + 2 * H
/** Bundled web build: noble sync, Web Crypto async, async with subtle hidden; RFC 4231 with Web Crypto. */
const WEB_BUILD = 3 * V + H
/** A reference verifier in another language: every case once, RFC 4231 with its own HMAC. */
const REFERENCE = V + H

const STEPS = [
  { name: 'schema (ajv)', command: [HOST, script('validate.mjs')] },
  // --no-build: the core was built just before the steps (buildCore below).
  { name: 'drift (generator)', command: [HOST, script('generate.mjs'), '--check', '--no-build'] },
  { name: 'node (host)', command: [HOST, script('runners/js-runtime.mjs')], cases: BOTH_BUILDS },
  {
    name: 'node 22 (npm node)',
    command: () => [node22(), script('runners/js-runtime.mjs')],
    major: 'v22.',
    cases: BOTH_BUILDS,
  },
  { name: 'bun', command: [bin('bun'), script('runners/js-runtime.mjs')], cases: BOTH_BUILDS },
  {
    name: 'deno',
    command: [
      bin('deno'),
      'run',
      '--no-lock',
      '--allow-read',
      '--allow-env',
      script('runners/js-runtime.mjs'),
    ],
    cases: BOTH_BUILDS,
  },
  { name: 'workerd', command: [HOST, script('runners/workerd.mjs')], cases: WEB_BUILD },
  { name: 'edge-runtime', command: [HOST, script('runners/edge-runtime.mjs')], cases: WEB_BUILD },
  { name: 'chromium', command: [HOST, script('runners/chromium.mjs')], cases: WEB_BUILD },
  { name: 'firefox', command: [HOST, script('runners/firefox.mjs')], cases: WEB_BUILD },
  {
    name: 'python (reference)',
    command: ['python3', join(packageDir, 'python', 'verify_vectors.py')],
    cases: REFERENCE,
  },
  {
    name: 'php (reference)',
    command: ['php', join(packageDir, 'php', 'verify_vectors.php')],
    cases: REFERENCE,
  },
]

const COUNTS = /^(?:\w+: )?(\d+) passed, (\d+) failed$/

function run(step) {
  const started = Date.now()
  let command
  try {
    command = typeof step.command === 'function' ? step.command() : step.command
  } catch (error) {
    return {
      ...step,
      ok: false,
      passed: 0,
      failed: 0,
      problem: `cannot start: ${error.message}`,
      rows: [],
      seconds: 0,
    }
  }
  const result = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    timeout: STEP_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  })
  const seconds = (Date.now() - started) / 1000
  const stdout = result.stdout ?? ''
  process.stdout.write(stdout)
  process.stderr.write((result.stderr ?? '').split('\n').slice(0, 60).join('\n'))
  const lines = stdout.trim().split('\n')
  const counts = lines.at(-1)?.match(COUNTS)
  const rows = lines.filter((line) => line.includes(' | '))
  let problem
  if (result.error) problem = `cannot start: ${result.error.code ?? result.error.message}`
  else if (result.status !== 0) problem = `exit code ${result.status ?? result.signal}`
  else if (!counts) problem = 'printed no "N passed, N failed" line'
  else if (Number(counts[1]) === 0) problem = 'ran no case'
  else if (step.cases !== undefined && Number(counts[1]) + Number(counts[2]) !== step.cases)
    problem = `ran ${Number(counts[1]) + Number(counts[2])} cases, expected ${step.cases}`
  else if (step.major && !rows.some((row) => row.includes(step.major))) problem = `not running ${step.major}x`
  return {
    ...step,
    ok: !problem,
    passed: Number(counts?.[1] ?? 0),
    failed: Number(counts?.[2] ?? 0),
    problem,
    rows,
    seconds,
  }
}

// Always rebuild: the runners import the core's dist/, which may be older than its sources.
if (!buildCore()) {
  console.log('\nvectors: 0 passed, 1 failed')
  process.exit(1)
}
const results = []
for (const step of STEPS) {
  console.log(`\n=== ${step.name}`)
  results.push(run(step))
}

console.log('\n=== test vectors: summary')
console.log('| step | result | passed | failed | seconds |')
console.log('| --- | --- | ---: | ---: | ---: |')
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.ok ? 'ok' : `FAIL: ${r.problem}`} | ${r.passed} | ${r.failed} | ${r.seconds.toFixed(1)} |`,
  )
}
console.log('\n| runtime | backend / form | cases |')
console.log('| --- | --- | --- |')
for (const r of results) for (const row of r.rows) console.log(`| ${row.split(' | ').join(' | ')} |`)
mkdirSync(tmpDir, { recursive: true })
writeFileSync(join(tmpDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)

const failedSteps = results.filter((r) => !r.ok).length
console.log(`\nvectors: ${results.length - failedSteps} passed, ${failedSteps} failed`)
process.exit(failedSteps === 0 ? 0 : 1)
