// Where things live, resolved from this file so every script works from any working directory.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const packageDir = fileURLToPath(new URL('../../', import.meta.url))
export const vectorsDir = join(packageDir, 'vectors')
export const tmpDir = join(packageDir, '.tmp')
export const schemaPath = join(packageDir, 'schema.json')
export const coreDir = dirname(fileURLToPath(import.meta.resolve('@ledgerly/webhooks/package.json')))

/** The two builds of the core, read from its exports map so a renamed file is followed. */
export function coreEntries() {
  const manifest = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8'))
  const root = manifest.exports['.']
  return { node: join(coreDir, root.node), web: join(coreDir, root.default) }
}

/** Every vector file, in a fixed order. */
export const VECTOR_FILES = [
  'ledgerly-valid.json',
  'ledgerly-signature-header.json',
  'timestamp.json',
  'body.json',
  'rotation.json',
  'standard-webhooks.json',
  'options.json',
]
export const HMAC_FILE = 'hmac-rfc4231.json'
