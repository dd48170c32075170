// workerd module worker: answers every request with the vector report as JSON.
import { runVectors } from './bundle-entry.mjs'

export default {
  async fetch() {
    return new Response(JSON.stringify(await runVectors()), {
      headers: { 'content-type': 'application/json' },
    })
  },
}
