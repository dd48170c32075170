#!/usr/bin/env node
// Builds vectors/*.json from cases/*.mjs. Signatures come from the core signer (node build) with fixed
// secrets, timestamps and bodies, so the output is byte-for-byte stable. Run as a script, it first
// rebuilds the core from source, so the signatures never come from a stale dist/.
//   node scripts/generate.mjs             write the files
//   node scripts/generate.mjs --check     fail (exit 1) when a committed file differs from what it builds
//   ... --no-build                        skip the rebuild (run-all.mjs has just done it)
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as body from '../cases/body.mjs'
import * as hmac from '../cases/hmac-rfc4231.mjs'
import * as signatureHeader from '../cases/ledgerly-signature-header.mjs'
import * as valid from '../cases/ledgerly-valid.mjs'
import * as options from '../cases/options.mjs'
import * as rotation from '../cases/rotation.mjs'
import * as standard from '../cases/standard-webhooks.mjs'
import * as timestamp from '../cases/timestamp.mjs'
import { buildCore } from './lib/build-core.mjs'
import { createKit, FIXED, toBytes } from './lib/kit.mjs'
import { HMAC_FILE, VECTOR_FILES, vectorsDir } from './lib/paths.mjs'

const isScript = import.meta.url === `file://${process.argv[1]}`
// Imported only after the rebuild, so this process loads the fresh dist/.
if (isScript && !process.argv.includes('--no-build') && !buildCore()) {
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const core = await import('@ledgerly/webhooks')

const MODULES = [valid, signatureHeader, timestamp, body, rotation, standard, options]
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The body as exact bytes (hex) plus a readable view when the bytes are valid UTF-8 without a BOM. */
function bodyField(raw) {
  const bytes = toBytes(raw)
  const field = { hex: Buffer.from(bytes).toString('hex') }
  try {
    const text = utf8.decode(bytes)
    if (!text.startsWith('\uFEFF')) field.utf8 = text
  } catch {
    // not UTF-8: the hex is the only view
  }
  return field
}

/** One case in the fixed key order of schema.json, defaults filled in. */
function normalise(template) {
  const out = {
    id: template.id,
    description: template.description,
    scheme: template.scheme ?? 'ledgerly',
    secrets: template.secrets ?? [FIXED.secret],
    headers: template.headers,
    body: bodyField(template.body),
    now: template.now ?? FIXED.t,
    tolerance: template.tolerance ?? FIXED.tolerance,
  }
  if (template.maxPayloadBytes !== undefined) out.maxPayloadBytes = template.maxPayloadBytes
  out.expected = template.expected
  return out
}

function assertUniqueIds(file, cases) {
  const seen = new Set()
  for (const { id } of cases) {
    if (seen.has(id)) throw new Error(`${file}: duplicate case id "${id}"`)
    seen.add(id)
  }
}

/** JSON with two-space indentation, except that short arrays of scalars ([name, value] pairs,
 * secrets) stay on one line so a case reads like a request. */
function format(value, indent) {
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`
    if (
      value.every((item) => item === null || typeof item !== 'object') &&
      (value.length <= 2 || flat.length <= 100)
    )
      return flat
    return `[\n${value.map((item) => inner + format(item, inner)).join(',\n')}\n${indent}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, item]) => `${inner}${JSON.stringify(key)}: ${format(item, inner)}`,
    )
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`
  }
  return JSON.stringify(value)
}

function serialise(document) {
  return `${format(document, '')}\n`
}

/** Every vector file as the text it must contain. */
export function buildAll() {
  const kit = createKit(core)
  const files = new Map()
  for (const module of MODULES) {
    const cases = module.build(kit).map(normalise)
    assertUniqueIds(module.file, cases)
    files.set(module.file, serialise({ $schema: '../schema.json', title: module.title, cases }))
  }
  const primitives = hmac.build()
  assertUniqueIds(HMAC_FILE, primitives)
  files.set(
    HMAC_FILE,
    serialise({ $schema: '../schema.json', title: hmac.title, primitive: 'HMAC-SHA-256', cases: primitives }),
  )
  const expected = [...VECTOR_FILES, HMAC_FILE].sort().join()
  if ([...files.keys()].sort().join() !== expected) throw new Error('paths.mjs VECTOR_FILES is out of date')
  return files
}

function readOrEmpty(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** Names of the committed files that differ from what the generator builds. */
export function drift() {
  const stale = []
  for (const [name, text] of buildAll()) if (readOrEmpty(join(vectorsDir, name)) !== text) stale.push(name)
  return stale
}

if (isScript) {
  if (process.argv.includes('--check')) {
    const stale = drift()
    if (stale.length > 0) {
      console.error(
        `drift: ${stale.join(', ')} differ from what scripts/generate.mjs builds; run it and review the diff`,
      )
    }
    console.log(`${buildAll().size - stale.length} passed, ${stale.length} failed`)
    process.exit(stale.length === 0 ? 0 : 1)
  }
  let count = 0
  for (const [name, text] of buildAll()) {
    writeFileSync(join(vectorsDir, name), text)
    count += JSON.parse(text).cases.length
  }
  console.log(`wrote ${count} cases to ${vectorsDir}`)
}
