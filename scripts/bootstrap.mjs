#!/usr/bin/env node
// Sets up a fresh machine that has only Node 20 and npm, then runs `demo` or `test`.
// `npm run demo` / `npm test` call this; so does .ci/run.
import { execSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const task = process.argv[2] ?? 'setup'

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(command) {
  console.log(`\n$ ${command}`)
  try {
    execSync(command, { cwd: root, stdio: 'inherit', env: process.env })
  } catch (error) {
    // The command has printed why it failed; a stack trace of this script would only bury that.
    const status = error.status || 1
    console.error(`\n✘ ${command} failed (exit ${status})`)
    process.exit(status)
  }
}

// System packages the full test run needs (Redis for the idempotency and queue tests, PHP for the
// reference verifier, Chromium and Firefox ESR for the two browser runners). Installed with apt-get when
// we are root.
const SYSTEM = [
  { command: 'redis-server', apt: 'redis-server' },
  { command: 'php', apt: 'php-cli' },
  { command: 'chromium', apt: 'chromium' },
  { command: 'firefox-esr', apt: 'firefox-esr' },
  { command: 'python3', apt: 'python3' },
]

function ensureSystemPackages() {
  const missing = SYSTEM.filter((item) => !has(item.command))
  if (missing.length === 0) return
  const names = missing.map((item) => item.apt).join(' ')
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !has('apt-get')) {
    console.error(
      `Missing system packages: ${names}. Install them (Debian: apt-get install -y ${names}) and rerun.`,
    )
    process.exit(1)
  }
  run('apt-get update -qq')
  run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${names}`)
}

if (!has('pnpm')) run('npm install -g pnpm@10')
const install =
  existsSync(`${root}/pnpm-lock.yaml`) && process.env.CI ? 'pnpm install --frozen-lockfile' : 'pnpm install'
// The demo needs the three packages it builds and the root's build tools, not the other runtimes the test
// suites bring (workerd, Bun, Deno, Node 22: about 500 MB of the 800 MB a full install downloads).
const DEMO_ONLY =
  ' --filter . --filter "@ledgerly/webhooks-dispatcher..." --filter "@ledgerly/webhooks-express..."'
run(task === 'demo' ? install + DEMO_ONLY : install)

if (task === 'test') {
  ensureSystemPackages()
  run('pnpm run test:all')
} else if (task === 'demo') {
  run('pnpm run demo:run')
} else if (task !== 'setup') {
  console.error(`unknown task ${task}; use setup, demo or test`)
  process.exit(2)
}
