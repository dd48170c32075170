// Our verifier through both builds: `@ledgerly/webhooks` under the `node` condition (node:crypto) and the
// default build (Web Crypto for `verify`, noble for `verifySync`), imported by path so Node cannot pick
// the node build for it.
import * as nodeBuild from '@ledgerly/webhooks'
import { SECRET, SW_SECRET } from './fixtures.mjs'

const webBuild = await import(
  new URL('../node_modules/@ledgerly/webhooks/dist/index.js', import.meta.url).href
)

if (nodeBuild.cryptoBackend !== 'node' || webBuild.cryptoBackend !== 'web') {
  throw new Error(
    `expected the node and web builds, got ${nodeBuild.cryptoBackend} and ${webBuild.cryptoBackend}`,
  )
}

export { nodeBuild, webBuild }

/** One prebuilt verifier per build, with a clock inside the tolerance of the fixtures' timestamp. */
export function ourVerifiers(timestamp) {
  const options = { secret: SECRET, now: () => timestamp * 1000 }
  return {
    node: nodeBuild.createVerifier(options),
    web: webBuild.createVerifier(options),
    nodeStandard: nodeBuild.createVerifier({ secret: SW_SECRET, scheme: 'standard-webhooks' }),
    options,
  }
}

/** Our four paths over one fixture; each returns the verified webhook. */
export function ourPaths(verifiers, fixture) {
  const request = { payload: fixture.body, headers: fixture.headers }
  return {
    'node-sync': function nodeVerifySync() {
      return verifiers.node.verifySync(request)
    },
    'node-async': function nodeVerify() {
      return verifiers.node.verify(request)
    },
    'web-async': function webVerify() {
      return verifiers.web.verify(request)
    },
    'web-sync': function webVerifySync() {
      return verifiers.web.verifySync(request)
    },
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** What our verify does after the HMAC, alone: UTF-8 decode and JSON.parse of the body. */
export function jsonOnly(fixture) {
  return function decodeAndParse() {
    return JSON.parse(decoder.decode(fixture.body))
  }
}

/**
 * Our signature-only paths (`verifySignature`): headers, timestamp, HMAC and the constant-time compare —
 * the same work as the raw baselines plus header parsing, and no JSON. Each returns the verified signature.
 */
export function ourSignaturePaths(verifiers, fixture) {
  const request = { payload: fixture.body, headers: fixture.headers }
  return {
    'node-sync-signature': () => verifiers.node.verifySignatureSync(request),
    'node-async-signature': () => verifiers.node.verifySignature(request),
    'web-async-signature': () => verifiers.web.verifySignature(request),
    'web-sync-signature': () => verifiers.web.verifySignatureSync(request),
  }
}
