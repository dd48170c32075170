// Builds the core (@ledgerly/webhooks) from its current sources before anything imports its dist/: a
// dist/ that merely exists may predate the last source edit, and vectors run against it would test old
// code. The core's own build (tsup) takes about 15 seconds; that is cheaper than a wrong green.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { packageDir } from './paths.mjs'

/**
 * Runs `pnpm --filter @ledgerly/webhooks build` from the repository root. Prints one line on success;
 * on failure prints the end of the build's output and returns false.
 */
export function buildCore() {
  const started = Date.now()
  const result = spawnSync('pnpm', ['--filter', '@ledgerly/webhooks', 'build'], {
    cwd: join(packageDir, '..'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status === 0) {
    console.log(`core: built @ledgerly/webhooks from source in ${seconds} s`)
    return true
  }
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n')
  const reason = result.error
    ? (result.error.code ?? result.error.message)
    : `exit code ${result.status ?? result.signal}`
  console.error(`core: pnpm --filter @ledgerly/webhooks build failed (${reason})\n${output}`)
  return false
}
