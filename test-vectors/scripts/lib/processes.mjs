// Small helpers for runners that start a server process: a free loopback port, a bounded wait.
import { createServer } from 'node:net'

/** A loopback port that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Fetches `url` until it answers or `timeoutMs` passes; `child` exiting early fails at once. */
export async function fetchWhenUp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let exited = null
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`
  })
  let lastError
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the process ${exited} before answering`)
    try {
      return await fetch(url, { signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) })
    } catch (error) {
      lastError = error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms: ${lastError?.message}`)
}
