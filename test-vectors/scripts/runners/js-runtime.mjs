#!/usr/bin/env node
// Runs every vector on the current JavaScript runtime (Node, Bun or Deno) against both builds of the
// core — the `node` condition build (node:crypto) and the default web build (Web Crypto + noble) —
// in their sync and async forms, and checks the RFC 4231 primitive with Web Crypto and node:crypto.
// Prints "N passed, N failed"; exits 1 on any disagreement.
import { createHmac } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { loadVectors } from '../lib/load-vectors.mjs'
import { coreEntries } from '../lib/paths.mjs'
import { addReport, runPrimitiveCases, runVerificationCases, subtleMac } from '../lib/run-cases.mjs'

const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.version}`
const { documents, primitives } = loadVectors()
const entries = coreEntries()
const total = { passed: 0, failed: 0, failures: [] }
const rows = []

async function track(label, promise) {
  const report = await promise
  rows.push(`${runtime} | ${label} | ${report.passed} passed, ${report.failed} failed`)
  addReport(total, report)
}

for (const [backend, path] of Object.entries(entries)) {
  const core = await import(pathToFileURL(path).href)
  if (core.cryptoBackend !== backend) {
    total.failed++
    total.failures.push(`${path} reports cryptoBackend "${core.cryptoBackend}", expected "${backend}"`)
  }
  for (const mode of ['sync', 'async'])
    await track(`${backend} ${mode}`, runVerificationCases(core, documents, mode))
}
await track('hmac web-crypto', runPrimitiveCases(primitives, subtleMac))
await track(
  'hmac node:crypto',
  runPrimitiveCases(primitives, (key, data) => createHmac('sha256', key).update(data).digest()),
)

for (const row of rows) console.log(row)
for (const failure of total.failures.slice(0, 50)) console.error(`FAIL ${failure}`)
console.log(`${total.passed} passed, ${total.failed} failed`)
process.exit(total.failed === 0 ? 0 : 1)
