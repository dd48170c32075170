import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, timingSafeEqual } from '../bytes.js'
import type { CryptoBackend } from './types.js'

interface WebKey {
  readonly secret: Uint8Array
  /** noble HMAC with the key already absorbed; cloned per message. */
  readonly noble: ReturnType<typeof hmac.create>
  subtle: Promise<CryptoKey> | undefined
}

function subtleOf(): SubtleCrypto | undefined {
  return globalThis.crypto?.subtle
}

function importSubtleKey(subtle: SubtleCrypto, key: WebKey): Promise<CryptoKey> {
  key.subtle ??= subtle.importKey(
    'raw',
    key.secret as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return key.subtle
}

function nobleMac(key: WebKey, prefix: Uint8Array, body: Uint8Array): Uint8Array {
  return key.noble.clone().update(prefix).update(body).digest()
}

/**
 * Web Crypto (`crypto.subtle`) for the asynchronous forms, `@noble/hashes` for the synchronous ones and
 * wherever `crypto.subtle` is missing (for example a page served over plain http).
 */
export const webBackend: CryptoBackend<WebKey> = {
  name: 'web',
  prepareKey(secret) {
    return { secret, noble: hmac.create(sha256, secret), subtle: undefined }
  },
  macAllSync(keys, prefix, body) {
    return keys.map((key) => nobleMac(key, prefix, body))
  },
  async macAll(keys, prefix, body) {
    const subtle = subtleOf()
    if (!subtle) return keys.map((key) => nobleMac(key, prefix, body))
    const message = concatBytes([prefix, body])
    return Promise.all(
      keys.map(async function signWithSubtle(key) {
        const cryptoKey = await importSubtleKey(subtle, key)
        return new Uint8Array(await subtle.sign('HMAC', cryptoKey, message as Uint8Array<ArrayBuffer>))
      }),
    )
  },
  equal: timingSafeEqual,
}
