import { type ChildProcess, spawn } from 'node:child_process'
import { assertBuilt, CLI } from './cli.js'

/** Starts `ledgerly-webhooks worker` as a separate process; resolves once it consumes the queue. */
export async function startWorker(args: string[]) {
  assertBuilt()
  const child: ChildProcess = spawn(process.execPath, [CLI, 'worker', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (chunk) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 15_000)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('consuming queue')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)))
  })
  return {
    pid: child.pid!,
    /** kill -9: no cleanup, locks left behind in Redis. */
    kill9() {
      child.kill('SIGKILL')
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
