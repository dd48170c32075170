// Runs vector cases against one build of the core. Platform-neutral (no node: imports), so the same file
// runs in Node, Bun, Deno, workerd, the edge runtime and a browser page.

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

function optionsOf(c) {
  const options = { secret: c.secrets, tolerance: c.tolerance, scheme: c.scheme, now: () => c.now * 1000 }
  if (c.maxPayloadBytes !== undefined) options.maxPayloadBytes = c.maxPayloadBytes
  return options
}

/** Compares one outcome with the case's `expected`; returns a reason when they disagree. */
function disagreement(expected, outcome) {
  if (expected.optionsRejected) {
    return outcome.kind === 'options-rejected'
      ? undefined
      : `expected the options to be refused, got ${describe(outcome)}`
  }
  if (expected.valid) {
    if (outcome.kind !== 'valid') return `expected valid, got ${describe(outcome)}`
    for (const key of ['event', 'id', 'secretIndex', 'timestamp']) {
      if (outcome.result[key] !== expected[key]) {
        return `expected ${key} ${JSON.stringify(expected[key])}, got ${JSON.stringify(outcome.result[key])}`
      }
    }
    return undefined
  }
  if (outcome.kind === 'rejected' && outcome.code === expected.code) return undefined
  return `expected ${expected.code}, got ${describe(outcome)}`
}

function describe(outcome) {
  if (outcome.kind === 'valid') return 'valid'
  if (outcome.kind === 'rejected') return outcome.code
  if (outcome.kind === 'options-rejected') return `options refused (${outcome.message})`
  return `a crash: ${outcome.message}`
}

function classify(core, error) {
  if (core.isWebhookVerificationError(error)) return { kind: 'rejected', code: error.code }
  return { kind: 'crash', message: `${error?.name}: ${error?.message}` }
}

/** Runs one case; `mode` is 'sync' (verifySync) or 'async' (verify). Never throws. */
async function outcomeOf(core, c, mode) {
  let verifier
  try {
    verifier = core.createVerifier(optionsOf(c))
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      return { kind: 'options-rejected', message: error.name }
    }
    return { kind: 'crash', message: `${error?.name}: ${error?.message}` }
  }
  const request = { payload: hexToBytes(c.body.hex), headers: c.headers }
  try {
    const result = mode === 'sync' ? verifier.verifySync(request) : await verifier.verify(request)
    return { kind: 'valid', result }
  } catch (error) {
    return classify(core, error)
  }
}

/**
 * Runs every verification case of `documents` (parsed vector files) through `core`.
 * @returns {{ passed: number, failed: number, failures: string[] }}
 */
export async function runVerificationCases(core, documents, mode) {
  const report = { passed: 0, failed: 0, failures: [] }
  for (const document of documents) {
    for (const c of document.cases) {
      const reason = disagreement(c.expected, await outcomeOf(core, c, mode))
      if (reason === undefined) report.passed++
      else {
        report.failed++
        report.failures.push(`${document.file ?? document.title}#${c.id}: ${reason}`)
      }
    }
  }
  return report
}

/**
 * Checks the RFC 4231 primitive cases with `mac(keyBytes, dataBytes) → Promise<Uint8Array>`.
 * Truncated cases compare the leading bytes, as the RFC says.
 */
export async function runPrimitiveCases(document, mac) {
  const report = { passed: 0, failed: 0, failures: [] }
  for (const c of document.cases) {
    let got
    try {
      got = bytesToHex(await mac(hexToBytes(c.keyHex), hexToBytes(c.dataHex))).slice(0, c.macHex.length)
    } catch (error) {
      got = `a crash: ${error?.message}`
    }
    if (got === c.macHex) report.passed++
    else {
      report.failed++
      report.failures.push(`hmac-rfc4231#${c.id}: expected ${c.macHex}, got ${got}`)
    }
  }
  return report
}

/** HMAC-SHA-256 with Web Crypto, available on every runtime we run on. */
export async function subtleMac(key, data) {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, data))
}

/** Adds `b` into `a` (counts and failures). */
export function addReport(a, b) {
  a.passed += b.passed
  a.failed += b.failed
  a.failures.push(...b.failures)
  return a
}
