#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs'
// Runs every vector in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): a page
// served on 127.0.0.1 (a secure context, so Web Crypto is there) loads the bundled default build.
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { bundle } from '../lib/bundle.mjs'
import { cannotStart, printReport } from '../lib/print-report.mjs'

const runtime = 'chromium'
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

function serve(script) {
  const page =
    '<!doctype html><meta charset="utf-8"><title>vectors</title><script src="/vectors.js"></script>'
  const server = createServer((request, response) => {
    const isScript = request.url === '/vectors.js'
    response.writeHead(200, {
      'content-type': isScript ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
    })
    response.end(isScript ? script : page)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

let browser
let server
const userDataDir = mkdtempSync(join(tmpdir(), 'ledgerly-vectors-chromium-'))
let code
try {
  server = await serve(await bundle('iife'))
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: ARGS,
    headless: true,
    timeout: 30_000,
  })
  const page = browser.pages()[0] ?? (await browser.newPage())
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`http://127.0.0.1:${server.address().port}/`, { timeout: 30_000 })
  const version = browser.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent))
  const report = await page.evaluate(async () => JSON.stringify(await globalThis.runVectors()))
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`)
  code = printReport(`${runtime} ${version.match(/Chrome\/([\d.]+)/)?.[1] ?? version}`, JSON.parse(report))
} catch (error) {
  code = cannotStart(runtime, error)
} finally {
  await browser?.close()
  server?.close()
  rmSync(userDataDir, { recursive: true, force: true })
}
process.exit(code)
