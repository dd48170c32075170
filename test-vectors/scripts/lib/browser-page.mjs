// The page the browser runners load: the bundled default (web) build of the core and every vector,
// served by a throwaway node:http server on 127.0.0.1. A loopback origin is a secure context in every
// browser, so the page has crypto.subtle, exactly as a real site on https would.
import { createServer } from 'node:http'
import { bundle } from './bundle.mjs'

const HTML = 'text/html; charset=utf-8'
const JS = 'text/javascript; charset=utf-8'
const HEAD = '<!doctype html><meta charset="utf-8"><title>vectors</title>'

// Runs first (classic and inline, before the bundle), so an error thrown while the bundle loads is
// reported too. The runner takes the first outcome posted; later ones are ignored.
const REPORTER = `<script>
globalThis.postOutcome = (outcome) =>
  fetch('/outcome', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userAgent: navigator.userAgent, ...outcome }),
  })
addEventListener('error', (event) =>
  postOutcome({ error: \`\${event.message} (\${event.filename}:\${event.lineno})\` }))
addEventListener('unhandledrejection', (event) =>
  postOutcome({ error: \`unhandled rejection: \${event.reason}\` }))
</script>`

// A module script runs after the classic bundle script has defined globalThis.runVectors.
const SELF_RUN = `try {
  await postOutcome({ report: await globalThis.runVectors() })
} catch (error) {
  await postOutcome({ error: \`runVectors failed: \${error}\` })
}
`

/** The page failed (an uncaught error, a rejected promise, runVectors threw); the message says how. */
export class PageError extends Error {}

function pageHtml(selfRun) {
  if (!selfRun) return `${HEAD}<script src="/vectors.js"></script>`
  return `${HEAD}${REPORTER}<script src="/vectors.js"></script><script type="module" src="/self-run.js"></script>`
}

/** Reads a posted outcome: `{ userAgent, report }` resolves, `{ error }` rejects with a PageError. */
function receiveOutcome(request, response, settle) {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    response.writeHead(204).end()
    try {
      const outcome = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      if (outcome.error !== undefined) settle.reject(new PageError(`the page failed: ${outcome.error}`))
      else if (outcome.report === undefined) settle.reject(new PageError('the page posted no report'))
      else settle.resolve(outcome)
    } catch (error) {
      settle.reject(new PageError(`the page posted an unreadable outcome: ${error.message}`))
    }
  })
}

/**
 * Bundles the default build with the vectors and serves them on a free loopback port.
 * @param {{ selfRun?: boolean }} options without selfRun the page only defines `globalThis.runVectors`
 *   (a driver such as Playwright calls it); with selfRun the page calls it on load and POSTs the outcome
 *   back, for a browser that no driver can control.
 * @returns {Promise<{ url: string, outcome: Promise<{ userAgent: string, report: object }>, close: () => void }>}
 *   `outcome` settles with the first outcome the page posts (selfRun only).
 */
export async function serveVectorsPage({ selfRun = false } = {}) {
  const routes = new Map([
    ['/', [HTML, pageHtml(selfRun)]],
    ['/vectors.js', [JS, await bundle('iife')]],
  ])
  if (selfRun) routes.set('/self-run.js', [JS, SELF_RUN])
  const settle = {}
  const outcome = new Promise((resolve, reject) => Object.assign(settle, { resolve, reject }))
  // Nobody awaits the outcome of a driven page; a late error must not crash the runner either.
  outcome.catch(() => {})
  const server = createServer((request, response) => {
    if (selfRun && request.method === 'POST' && request.url === '/outcome') {
      receiveOutcome(request, response, settle)
      return
    }
    const route = routes.get(request.url)
    if (!route) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': route[0] })
    response.end(route[1])
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    outcome,
    close() {
      server.close()
      server.closeAllConnections()
    },
  }
}
