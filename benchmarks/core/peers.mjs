// The libraries a user would pick instead. Two kinds of rows:
// - signature only (what the brief names): Stripe `verifyHeader`, Octokit `verify`, given the body as an
//   already decoded string, which favours them;
// - verify + parse, what an app really runs to get the event our `verify` returns: Stripe
//   `constructEvent(Async)`, Octokit `verify` + `JSON.parse`, Standard Webhooks `verify` (it parses), all
//   given the raw body bytes (a Node Buffer) as a server hands them over.
import { verify as octokitNodeVerify } from '@octokit/webhooks-methods'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { SECRET, SW_SECRET } from './fixtures.mjs'

const octokitWeb = await import(
  new URL('../node_modules/@octokit/webhooks-methods/dist-web/index.js', import.meta.url).href
)
const stripe = new Stripe('sk_test_benchmark_only')
const stripeSubtle = Stripe.createSubtleCryptoProvider()
const standardWebhook = new Webhook(SW_SECRET)
const decoder = new TextDecoder()

/** Peer verifiers for one fixture; `swHeaders` are Standard Webhooks headers signed just before timing. */
export function peerPaths(fixture, swHeaders) {
  const { text, signatureHeader, octokitSignature, timestamp } = fixture
  const buffer = Buffer.from(fixture.body.buffer, fixture.body.byteOffset, fixture.body.length)
  const receivedAt = timestamp * 1000
  const signatures = stripe.webhooks.signature
  return {
    stripe: function stripeVerifyHeader() {
      return signatures.verifyHeader(text, signatureHeader, SECRET, 300, undefined, receivedAt)
    },
    octokit: function octokitVerify() {
      return octokitNodeVerify(SECRET, text, octokitSignature)
    },
    'stripe-construct': function stripeConstructEvent() {
      return stripe.webhooks.constructEvent(buffer, signatureHeader, SECRET, 300, undefined, receivedAt)
    },
    'octokit-parse': async function octokitVerifyAndParse() {
      const body = buffer.toString('utf8')
      if (!(await octokitNodeVerify(SECRET, body, octokitSignature)))
        throw new Error('octokit: bad signature')
      return JSON.parse(body)
    },
    standardwebhooks: function standardWebhooksVerify() {
      return standardWebhook.verify(buffer, swHeaders)
    },
    'stripe-subtle-construct': function stripeConstructEventAsync() {
      return stripe.webhooks.constructEventAsync(
        buffer,
        signatureHeader,
        SECRET,
        300,
        stripeSubtle,
        receivedAt,
      )
    },
    'octokit-web-parse': async function octokitWebVerifyAndParse() {
      const body = decoder.decode(fixture.body)
      if (!(await octokitWeb.verify(SECRET, body, octokitSignature)))
        throw new Error('octokit: bad signature')
      return JSON.parse(body)
    },
  }
}
