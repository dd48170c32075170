#!/usr/bin/env node
// Builds workspace packages without burying what comes next under pages of tsup output: one line while
// building, one when done. The build's own output is kept and printed in full only if the build fails,
// and then this script exits with the build's exit code.
//
//   node scripts/build-quiet.mjs @ledgerly/webhooks @ledgerly/webhooks-express
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const packages = process.argv.slice(2)
if (packages.length === 0) {
  console.error('usage: node scripts/build-quiet.mjs <package name>...')
  process.exit(2)
}

const command = ['pnpm', ...packages.flatMap((name) => ['--filter', name]), 'build']
const started = performance.now()
process.stdout.write(`building ${packages.map((name) => name.replace(/^@ledgerly\//, '')).join(', ')}… `)

// stdout and stderr into one list, in the order they arrive, so a failure reads as it would have live.
const output = []
const child = spawn(command[0], command.slice(1), {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  shell: process.platform === 'win32',
})
child.stdout.on('data', (chunk) => output.push(chunk))
child.stderr.on('data', (chunk) => output.push(chunk))

let failed = false
function fail(why, code) {
  if (failed) return
  failed = true
  process.stdout.write('failed\n')
  process.stderr.write(`\n${Buffer.concat(output).toString()}`)
  process.stderr.write(`\n✘ build failed (${why}): ${command.join(' ')}\n`)
  process.exitCode = code
}

child.on('error', (error) => fail(error.message, 1))
child.on('close', (code, signal) => {
  if (code !== 0) fail(signal ? `killed by ${signal}` : `exit ${code}`, code || 1)
  else process.stdout.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`)
})
