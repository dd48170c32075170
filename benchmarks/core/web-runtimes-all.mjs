// Runs core/web-runtimes.mjs under Node, Bun and Deno in sequence, from benchmarks/ (where the peers
// resolve), passing the arguments on (`--quick` for a smoke run). `pnpm --filter @ledgerly/benchmarks
// bench:core-web-runtimes`, or `node core/web-runtimes-all.mjs` from benchmarks/. Each runtime prints its
// own Markdown report to stdout. `--dry-run` only prints the three commands.
//
// Bun and Deno are taken from $BUN and $DENO, else from PATH, else from the repo's own npm installs
// (`bun` and `deno` are devDependencies of packages/edge and test-vectors). A runtime that is not found is
// skipped with a note; the exit code is 1 if any runtime that ran failed.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchmarks = fileURLToPath(new URL('..', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))
const script = join('core', 'web-runtimes.mjs')
const dryRun = process.argv.includes('--dry-run')
const extra = process.argv.slice(2).filter((arg) => arg !== '--dry-run')

function executable(file) {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function find(name, envVar) {
  if (process.env[envVar]) return process.env[envVar]
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    join(root, 'node_modules', '.bin'),
    join(root, 'packages', 'edge', 'node_modules', '.bin'),
    join(root, 'test-vectors', 'node_modules', '.bin'),
    join(root, 'node_modules', '.pnpm', 'node_modules', '.bin'),
  ]
  for (const dir of dirs) {
    const file = join(dir, name)
    if (executable(file)) return file
  }
  return undefined
}

const runs = [
  { name: 'Node', command: process.execPath, args: ['--expose-gc', script] },
  { name: 'Bun', command: find('bun', 'BUN'), args: [script] },
  { name: 'Deno', command: find('deno', 'DENO'), args: ['run', '-A', '--v8-flags=--expose-gc', script] },
]

let failed = false
for (const run of runs) {
  if (!run.command) {
    console.error(`${run.name}: not found (set $${run.name.toUpperCase()} or put it on PATH); skipped`)
    continue
  }
  console.error(`\n$ ${[run.command, ...run.args, ...extra].join(' ')}`)
  if (dryRun) continue
  const result = spawnSync(run.command, [...run.args, ...extra], { cwd: benchmarks, stdio: 'inherit' })
  if (result.error || result.status !== 0) {
    failed = true
    console.error(`${run.name}: failed (${result.error?.message ?? `exit code ${result.status}`})`)
  }
}
process.exitCode = failed ? 1 : 0
