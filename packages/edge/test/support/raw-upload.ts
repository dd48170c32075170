import { connect } from 'node:net'

/**
 * Uploads `totalBytes` as a chunked body over a raw socket and returns the status line's code (0 when the
 * server closed without answering). Unlike Node's http client it keeps reading after a write fails, so a
 * server that answers 413 and then closes the connection mid-upload (workerd, Bun) is seen answering.
 */
export function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    let sent = 0
    const chunk = Buffer.alloc(16 * 1024, 0x20)
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ])
    const finish = () => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      resolve({ status: status ? Number(status[1]) : 0, text: received })
    }
    socket.setEncoding('latin1')
    socket.on('data', (data: string) => {
      received += data
      // One answer is all we need; end our side once its headers and some body are in.
      if (/\r\n\r\n[\s\S]+/.test(received)) socket.destroy()
    })
    socket.on('error', () => undefined)
    socket.on('close', finish)
    socket.on('connect', () => {
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ntransfer-encoding: chunked\r\n${head.join('')}\r\n`,
      )
      const pump = () => {
        while (sent < totalBytes && !socket.destroyed) {
          sent += chunk.length
          if (!socket.write(framed)) return void socket.once('drain', pump)
        }
        if (!socket.destroyed) socket.write('0\r\n\r\n')
      }
      pump()
    })
  })
}
