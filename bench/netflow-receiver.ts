/**
 * The flow-collector benchmark's baseline: a bare UDP receiver in its own process that only counts
 * datagrams and octets (no decoding, no log), with the same receive buffer as the collector.
 * `node dist/bench/netflow-receiver.js <port>`: prints "listening" when bound; on SIGTERM prints one
 * JSON line {datagrams, octets, firstMs, lastMs} (wall-clock times of the first and last datagram)
 * and exits.
 */
import { createSocket } from 'node:dgram';

const port = Number(process.argv[2]);
const s = createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
let datagrams = 0;
let octets = 0;
let firstMs = 0;
let lastMs = 0;
s.on('message', (m) => {
  if (datagrams === 0) firstMs = Date.now();
  datagrams++;
  octets += m.length;
  lastMs = Date.now();
});
s.bind(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ datagrams, octets, firstMs, lastMs })}\n`, () => process.exit(0));
});
