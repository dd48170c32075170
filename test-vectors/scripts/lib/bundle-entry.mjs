// Entry of the bundle that workerd, the edge runtime and the browsers (Chromium, Firefox) run: the default
// (web) build of the core plus every vector, inlined by esbuild (see bundle.mjs), behind one function.

import { documents, primitives } from 'virtual:vectors'
import * as core from '@ledgerly/webhooks'
import { addReport, runPrimitiveCases, runVerificationCases, subtleMac } from './run-cases.mjs'

/** Runs `task` with `crypto.subtle` shadowed by `undefined`, then restores it. */
async function withoutSubtle(task) {
  const subtle = globalThis.crypto.subtle
  Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true })
  if (globalThis.crypto.subtle !== undefined) throw new Error('crypto.subtle could not be hidden')
  try {
    return await task()
  } finally {
    delete globalThis.crypto.subtle
    if (globalThis.crypto.subtle !== subtle)
      Object.defineProperty(globalThis.crypto, 'subtle', { value: subtle, configurable: true })
  }
}

/** Runs every case in both forms; returns rows per backend/mode and the failures. */
export async function runVectors() {
  const total = { passed: 0, failed: 0, failures: [] }
  const rows = []
  if (core.cryptoBackend !== 'web') {
    total.failed++
    total.failures.push(`the bundled core reports cryptoBackend "${core.cryptoBackend}", expected "web"`)
  }
  const subtle = typeof globalThis.crypto?.subtle?.sign === 'function'
  const labels = {
    sync: 'web sync (noble)',
    async: subtle ? 'web async (Web Crypto)' : 'web async (noble, no subtle)',
  }
  for (const mode of ['sync', 'async']) {
    const report = await runVerificationCases(core, documents, mode)
    rows.push({ label: labels[mode], passed: report.passed, failed: report.failed })
    addReport(total, report)
  }
  // A page served over plain http (not localhost) has no crypto.subtle: the async form then falls back to
  // noble. Hide subtle for one more async pass to run that path too.
  const hidden = await withoutSubtle(() => runVerificationCases(core, documents, 'async'))
  rows.push({ label: 'web async (noble, subtle hidden)', passed: hidden.passed, failed: hidden.failed })
  addReport(total, hidden)
  const primitive = await runPrimitiveCases(primitives, subtleMac)
  rows.push({ label: 'hmac web-crypto', passed: primitive.passed, failed: primitive.failed })
  addReport(total, primitive)
  return { rows, ...total }
}
