// Reads the vector files from disk (Node, Bun and Deno all provide node:fs).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HMAC_FILE, VECTOR_FILES, vectorsDir } from './paths.mjs'

function read(file) {
  return { file, ...JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) }
}

/** The verification documents and the RFC 4231 primitive document. */
export function loadVectors() {
  return { documents: VECTOR_FILES.map(read), primitives: read(HMAC_FILE) }
}
