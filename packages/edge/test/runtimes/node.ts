// A plain node:http server on an ephemeral loopback port, bridged to the Fetch handler the way a minimal
// Node bridge does it (support/node-bridge.ts). Prints the port for the test.
import type { AddressInfo } from 'node:net'
import { bridgeServer } from '../support/node-bridge.js'
import { handle } from './handler.js'

const server = bridgeServer(handle)
server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`)
})
