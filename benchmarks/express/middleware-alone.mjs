// The middlewares alone, in one process, without HTTP: each iteration builds an IncomingMessage by hand
// (as serverless adapters do), pushes the 1 KiB body, and runs one middleware until it calls next().
// Network and Express routing are left out, so what remains is what each middleware itself costs — and
// it is far less sensitive to other processes on the machine than req/s over loopback.
import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'

function handBuiltRequest(headers, body) {
  const req = new IncomingMessage(new Socket())
  req.method = 'POST'
  req.url = '/webhooks'
  req.headers = headers
  // What Node's parser sets once the whole body has arrived; without it the stream counts as aborted.
  req.complete = true
  req.push(body)
  req.push(null)
  return req
}

// The middlewares only call next() on these paths; an answer here would mean the request was refused.
const res = {
  setHeader() {},
  write() {},
  once() {},
  on() {},
  end() {
    throw new Error('the middleware answered instead of calling next(): the request was refused')
  },
}

function runOnce(middleware, headers, body) {
  return new Promise((resolve, reject) => {
    middleware(handBuiltRequest(headers, body), res, (error) => (error ? reject(error) : resolve()))
  })
}

/**
 * Median microseconds per request of each middleware over `rounds` alternating rounds of `iterations`.
 * @param {Record<string, Function>} middlewares
 */
export async function middlewareAlone(middlewares, { headers, body, iterations = 20_000, rounds = 5 }) {
  const samples = Object.fromEntries(Object.keys(middlewares).map((name) => [name, []]))
  const buffer = Buffer.from(body)
  for (const [name, middleware] of Object.entries(middlewares)) {
    for (let i = 0; i < 2_000; i++) await runOnce(middleware, headers, buffer) // warm-up
    samples[name] = []
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, middleware] of Object.entries(middlewares)) {
      const started = process.hrtime.bigint()
      for (let i = 0; i < iterations; i++) await runOnce(middleware, headers, buffer)
      samples[name].push(Number(process.hrtime.bigint() - started) / iterations / 1000)
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, { median: median(values), values }]),
  )
}
