#!/usr/bin/env node
// Runs every vector in headless Firefox (Debian's firefox-esr: SpiderMonkey, with NSS behind Web Crypto),
// the second browser engine next to Chromium. Playwright can drive only Mozilla's patched Firefox, so
// there is no driver: the page on 127.0.0.1 runs the cases itself and POSTs its report (or its error)
// back to the server that served it. The binary is FIREFOX_PATH, else firefox-esr, else firefox on PATH.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { PageError, serveVectorsPage } from '../lib/browser-page.mjs'
import { cannotStart, printReport } from '../lib/print-report.mjs'

const runtime = 'firefox'
const TIMEOUT_MS = 90_000
const KILL_GRACE_MS = 5_000
const STDERR_LINES = 40

// A fresh profile would otherwise show first-run pages and call home (telemetry, updates, safe browsing,
// remote settings, captive-portal checks): none of it is needed, and an offline machine should not wait.
const PREFS = {
  'app.update.auto': false,
  'app.update.enabled': false,
  'browser.aboutwelcome.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.search.update': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.firstRunURL': '',
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.proxy.type': 0,
  'services.settings.server': 'data:,',
  'toolkit.telemetry.enabled': false,
}

/** A failure whose message says it all: printed as one line, without a stack. */
class RunnerError extends Error {}

function isExecutableFile(path) {
  try {
    const stats = statSync(path)
    return stats.isFile() && (stats.mode & 0o111) !== 0
  } catch {
    return false
  }
}

/** FIREFOX_PATH, else firefox-esr, else firefox on PATH; throws (never skips) when there is none. */
function findFirefox() {
  const override = process.env.FIREFOX_PATH
  if (override) {
    if (isExecutableFile(override)) return override
    throw new RunnerError(`FIREFOX_PATH=${override} is not an executable file`)
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of ['firefox-esr', 'firefox']) {
    for (const dir of dirs) if (isExecutableFile(join(dir, name))) return join(dir, name)
  }
  throw new RunnerError(
    'no firefox-esr or firefox on PATH (Debian: apt-get install -y firefox-esr), and FIREFOX_PATH is not set',
  )
}

/** "153.7.0esr" from `firefox --version`, which answers at once without starting a browser. */
function firefoxVersion(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15_000 })
  const version = result.stdout?.match(/Firefox ([\w.]+)/)?.[1]
  if (version) return version
  const why = result.error?.code ?? `exit ${result.status ?? result.signal}`
  throw new RunnerError(
    `${binary} --version printed no Firefox version (${why}): ${result.stdout ?? ''}`.trim(),
  )
}

function createProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerly-vectors-firefox-'))
  const lines = Object.entries(PREFS).map(
    ([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`,
  )
  writeFileSync(join(dir, 'user.js'), `${lines.join('\n')}\n`)
  return dir
}

/** Starts Firefox on `url` in its own process group, so stopping it reaches its content processes too. */
function launch(binary, profile, url) {
  const child = spawn(binary, ['--headless', '--no-remote', '--profile', profile, url], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  })
  // Kept for a failed run only: a killed Firefox always prints "Exiting due to channel error.".
  child.stderrText = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text) => {
    child.stderrText = (child.stderrText + text).slice(-20_000)
  })
  return child
}

function isRunning(child) {
  return child?.pid !== undefined && child.exitCode === null && child.signalCode === null
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

function exitWithin(child, ms) {
  if (!isRunning(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** SIGTERM, then SIGKILL after a grace period; then SIGKILL for any content process left in the group. */
async function stop(child) {
  if (child?.pid === undefined) return
  if (isRunning(child)) {
    signalGroup(child, 'SIGTERM')
    if (!(await exitWithin(child, KILL_GRACE_MS))) {
      signalGroup(child, 'SIGKILL')
      await exitWithin(child, KILL_GRACE_MS)
    }
  }
  signalGroup(child, 'SIGKILL')
}

/** Rejects when Firefox exits (or cannot be spawned) before the page has posted its outcome. */
function earlyExit(child) {
  return new Promise((_, reject) => {
    child.once('error', (error) =>
      reject(new RunnerError(`cannot start ${child.spawnfile}: ${error.message}`)),
    )
    child.once('exit', (code, signal) =>
      reject(new RunnerError(`Firefox exited (${signal ?? `code ${code}`}) before the page posted a report`)),
    )
  })
}

/** Rejects after `ms`; the caller's `finally` kills Firefox. */
function deadline(ms) {
  let timer
  const promise = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new RunnerError(`no report from the page within ${ms / 1000} s; Firefox killed`)),
      ms,
    )
  })
  // Still rejects for the race; only keeps Node from crashing if it fires before the race has begun.
  promise.catch(() => {})
  return { promise, cancel: () => clearTimeout(timer) }
}

let child
let site
let profile

/** Last resort on every way out (process.exit, an uncaught error, a signal): no Firefox outlives us. */
function killNow() {
  if (isRunning(child)) signalGroup(child, 'SIGKILL')
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
}
process.once('exit', killNow)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`${runtime}: stopped by ${signal}; Firefox killed`)
    console.log('0 passed, 1 failed')
    process.exit(1)
  })
}

let code
const timeout = deadline(TIMEOUT_MS)
try {
  const binary = findFirefox()
  const version = firefoxVersion(binary)
  site = await serveVectorsPage({ selfRun: true })
  profile = createProfile()
  child = launch(binary, profile, site.url)
  const { userAgent, report } = await Promise.race([site.outcome, earlyExit(child), timeout.promise])
  // Guards a FIREFOX_PATH that starts some other browser: the point is to run on Gecko.
  if (!/ Gecko\/\d+ Firefox\//.test(userAgent))
    throw new RunnerError(`the page ran in "${userAgent}", not Firefox`)
  code = printReport(`${runtime} ${version}`, report)
} catch (error) {
  const known = error instanceof RunnerError || error instanceof PageError
  code = cannotStart(runtime, known ? error.message : error)
} finally {
  timeout.cancel()
  await stop(child)
  site?.close()
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
  profile = undefined
}
if (code !== 0 && child?.stderrText) {
  const tail = child.stderrText.trimEnd().split('\n').slice(-STDERR_LINES).join('\n')
  console.error(`--- Firefox stderr (last ${STDERR_LINES} lines) ---\n${tail}`)
}
process.exit(code)
