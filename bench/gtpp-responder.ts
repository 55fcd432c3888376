/**
 * The GTP' ingest benchmark's baseline: a bare charging gateway in its own process that answers every
 * Data Record Transfer Request "Request Accepted" as soon as it arrives — GTP' decode and encode, no
 * CDR decoding, no input log, no fsync. `node dist/bench/gtpp-responder.js <udp|tcp> <port>`; prints
 * "listening" when ready and exits on SIGTERM.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import {
  Cause,
  decodeFrame,
  encodeFrame,
  GtppStreamFramer,
  type GtppFrame,
} from '../src/protocols/gtpp/index.js';

const [transport, portText] = process.argv.slice(2);
const port = Number(portText);

function answer(f: GtppFrame): Uint8Array | undefined {
  if (f.message.type !== 'data-record-transfer-request') return undefined;
  return encodeFrame({
    version: f.version,
    longHeader: f.longHeader,
    sequence: f.sequence,
    message: {
      type: 'data-record-transfer-response',
      cause: Cause.RequestAccepted,
      requestsResponded: [f.sequence],
    },
  });
}

if (transport === 'tcp') {
  const server = createServer((c) => {
    const framer = new GtppStreamFramer();
    c.on('data', (chunk: Buffer) => {
      for (const m of framer.push(new Uint8Array(chunk))) {
        const a = answer(decodeFrame(m));
        if (a !== undefined) c.write(a);
      }
    });
    c.on('error', () => c.destroy());
  });
  server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => process.exit(0));
} else {
  const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  s.on('message', (buf, r) => {
    const a = answer(decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)));
    if (a !== undefined) s.send(a, r.port, r.address);
  });
  s.bind(port, '127.0.0.1', () => process.stdout.write('listening\n'));
  process.on('SIGTERM', () => process.exit(0));
}
