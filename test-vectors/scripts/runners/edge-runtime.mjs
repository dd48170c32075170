#!/usr/bin/env node
// Runs every vector inside Vercel's edge runtime (@edge-runtime/vm): the bundled default build of the
// core, evaluated in an EdgeVM context with its own Web Crypto and globals.
import { createRequire } from 'node:module'
import { EdgeVM } from '@edge-runtime/vm'
import { bundle } from '../lib/bundle.mjs'
import { cannotStart, printReport } from '../lib/print-report.mjs'

const runtime = `edge-runtime ${createRequire(import.meta.url)('@edge-runtime/vm/package.json').version}`
let code
try {
  const vm = new EdgeVM()
  vm.evaluate(await bundle('iife'))
  const json = await vm.evaluate('globalThis.runVectors().then((report) => JSON.stringify(report))')
  code = printReport(runtime, JSON.parse(json))
} catch (error) {
  code = cannotStart(runtime, error)
}
process.exit(code)
