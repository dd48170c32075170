import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built bin, exactly as `npx ledgerly-webhooks` runs it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

export function assertBuilt() {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "pnpm --filter @ledgerly/webhooks-dispatcher build" first`)
}

/** Runs the CLI to completion (bounded by `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000) {
  assertBuilt()
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`ledgerly-webhooks ${args[0]} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`),
      )
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Starts a long-running command and resolves once a stdout line matches `ready`. */
export function startCli(args: string[], ready: RegExp) {
  assertBuilt()
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args])
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  let stdout = ''
  const started = new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time: ${stdout}`)), 10_000)
    child.stdout!.on('data', (chunk) => {
      stdout += chunk
      const match = stdout.match(ready)
      if (match) {
        clearTimeout(timer)
        resolve(match)
      }
    })
    child.on('exit', () => reject(new Error(`exited early: ${stdout}`)))
  })
  return {
    started,
    output: () => stdout,
    /** Sends SIGTERM; resolves with how the process ended. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
    /** Ends it for sure (cleanup after a test that expected it to stop by itself). */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
