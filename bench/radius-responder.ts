/**
 * The RADIUS ingest benchmark's baseline: a bare accounting server in its own process that answers
 * every datagram at once with an Accounting-Response (same Identifier, Response Authenticator from the
 * shared secret) — no decoding, no authenticator check, no input log, no fsync.
 * `node dist/bench/radius-responder.js <port> [secret]`; prints "listening" when ready, exits on SIGTERM.
 */
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';

const [portText, secretText] = process.argv.slice(2);
const port = Number(portText);
const secret = Buffer.from(secretText ?? 'narflow-demo-secret');

/** RFC 2866 §3: MD5(Code | Identifier | Length | Request Authenticator | Secret) for a bare response. */
function answer(request: Buffer): Buffer {
  const out = Buffer.alloc(20);
  out[0] = 5;
  out[1] = request[1] as number;
  out[3] = 20;
  createHash('md5')
    .update(out.subarray(0, 4))
    .update(request.subarray(4, 20))
    .update(secret)
    .digest()
    .copy(out, 4);
  return out;
}

const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
s.on('message', (buf, r) => {
  if (buf.length >= 20 && buf[0] === 4) s.send(answer(buf), r.port, r.address);
});
s.bind(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
