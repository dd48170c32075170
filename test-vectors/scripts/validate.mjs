#!/usr/bin/env node
// Validates every vector file against schema.json (ajv, JSON Schema 2020-12), then checks what a schema
// cannot: ids unique per file, the utf8 view equal to the hex bytes, enough cases in all, and the case
// counts README.md states (its file table and "N verification cases per run").
// Prints "N passed, N failed" (one per file); exits 1 on any problem.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import { HMAC_FILE, packageDir, schemaPath, VECTOR_FILES, vectorsDir } from './lib/paths.mjs'

const MIN_CASES = 150
const ajv = new Ajv2020({ allErrors: true, strict: true })
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')))
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function semanticProblems(document) {
  const problems = []
  const ids = new Set()
  for (const c of document.cases) {
    if (ids.has(c.id)) problems.push(`duplicate id ${c.id}`)
    ids.add(c.id)
    if (!c.body) continue
    const bytes = Buffer.from(c.body.hex, 'hex')
    let text
    try {
      text = strictUtf8.decode(bytes)
      if (text.startsWith('\uFEFF')) text = undefined
    } catch {
      text = undefined
    }
    if (c.body.utf8 !== text)
      problems.push(
        `${c.id}: body.utf8 must be ${text === undefined ? 'absent' : 'the UTF-8 text of body.hex'}`,
      )
  }
  return problems
}

/**
 * Every item A1–E30 of the hostile-input list must name at least one existing case or say under
 * notWritable why it cannot; notes (where the vectors deliberately differ from the list) must be about a
 * real item and must not be empty.
 */
function coverageProblems(coverage) {
  const existing = new Set()
  for (const file of VECTOR_FILES) {
    for (const c of JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')).cases)
      existing.add(`${file}#${c.id}`)
  }
  const problems = []
  const sections = { A: [1, 7], B: [8, 13], C: [14, 21], D: [22, 27], E: [28, 30] }
  const items = new Set()
  for (const [letter, [first, last]] of Object.entries(sections)) {
    for (let n = first; n <= last; n++) {
      const item = `${letter}${n}`
      items.add(item)
      const refs = coverage.items[item] ?? []
      if (refs.length === 0 && !coverage.notWritable[item]) problems.push(`${item} has no case and no reason`)
      for (const ref of refs)
        if (!existing.has(ref)) problems.push(`${item} names ${ref}, which does not exist`)
    }
  }
  for (const [item, note] of Object.entries(coverage.notes ?? {})) {
    if (!items.has(item)) problems.push(`notes.${item} is not an item of the list`)
    if (typeof note !== 'string' || note.trim() === '')
      problems.push(`notes.${item} must be a non-empty text`)
  }
  return problems
}

/**
 * The README's file table (`| \`file.json\` | N | ... |`) must list every file with its real count, and its
 * "(N verification cases per run" sentence must give the total, so the counts a reader relies on cannot go
 * stale when cases are added.
 */
function readmeProblems(text, counts, total) {
  const problems = []
  const listed = new Map()
  for (const [, file, n] of text.matchAll(/^\| `([\w-]+\.json)` +\| +(\d+) \|/gm)) listed.set(file, Number(n))
  for (const [file, n] of counts) {
    if (!listed.has(file)) problems.push(`the file table does not list ${file}`)
    else if (listed.get(file) !== n)
      problems.push(`the file table says ${file} has ${listed.get(file)} cases; it has ${n}`)
  }
  for (const file of listed.keys())
    if (!counts.has(file)) problems.push(`the file table lists ${file}, which is not a vector file`)
  const stated = /\((\d+) verification cases per run/.exec(text)
  if (!stated) problems.push('no "(N verification cases per run" sentence')
  else if (Number(stated[1]) !== total)
    problems.push(`it says ${stated[1]} verification cases per run; there are ${total}`)
  return problems
}

let passed = 0
let failed = 0
let cases = 0
const counts = new Map()
for (const file of [...VECTOR_FILES, HMAC_FILE]) {
  const document = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'))
  const problems = validate(document)
    ? semanticProblems(document)
    : validate.errors.map((e) => `${e.instancePath} ${e.message}`)
  counts.set(file, document.cases?.length ?? 0)
  if (file !== HMAC_FILE) cases += document.cases?.length ?? 0
  if (problems.length === 0) passed++
  else {
    failed++
    for (const problem of problems.slice(0, 20)) console.error(`FAIL ${file}: ${problem}`)
  }
}
const coverage = coverageProblems(JSON.parse(readFileSync(join(packageDir, 'coverage.json'), 'utf8')))
if (coverage.length === 0) passed++
else {
  failed++
  for (const problem of coverage) console.error(`FAIL coverage.json: ${problem}`)
}
const readme = readmeProblems(readFileSync(join(packageDir, 'README.md'), 'utf8'), counts, cases)
if (readme.length === 0) passed++
else {
  failed++
  for (const problem of readme) console.error(`FAIL README.md: ${problem}`)
}
if (cases < MIN_CASES) {
  failed++
  console.error(`FAIL only ${cases} verification cases; at least ${MIN_CASES} are required`)
}
console.log(`schema: ${cases} verification cases in ${VECTOR_FILES.length} files, plus ${HMAC_FILE}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
