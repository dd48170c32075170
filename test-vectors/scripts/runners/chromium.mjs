#!/usr/bin/env node
// Runs every vector in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): a page
// served on 127.0.0.1 (a secure context, so Web Crypto is there) loads the bundled default build.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { serveVectorsPage } from '../lib/browser-page.mjs'
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

let browser
let site
const userDataDir = mkdtempSync(join(tmpdir(), 'ledgerly-vectors-chromium-'))
let code
try {
  site = await serveVectorsPage()
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: ARGS,
    headless: true,
    timeout: 30_000,
  })
  const page = browser.pages()[0] ?? (await browser.newPage())
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(site.url, { timeout: 30_000 })
  const version = browser.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent))
  const report = await page.evaluate(async () => JSON.stringify(await globalThis.runVectors()))
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`)
  code = printReport(`${runtime} ${version.match(/Chrome\/([\d.]+)/)?.[1] ?? version}`, JSON.parse(report))
} catch (error) {
  code = cannotStart(runtime, error)
} finally {
  await browser?.close()
  site?.close()
  rmSync(userDataDir, { recursive: true, force: true })
}
process.exit(code)
