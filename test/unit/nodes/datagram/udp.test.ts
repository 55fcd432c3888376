/** The datagram EIs' UDP socket: kernel drop counts and receive queues read from /proc/net/udp. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUdpSocket, UdpListener } from '../../../../src/actors/nodes/ei/datagram/udp.js';

const TABLE = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ',
  ' 3554: 0D00007F:0D39 00000000:0000 07 00000000:00012C00 00:00000000 00000000     0        0 30600 2 00000000720d694e 17         ',
  ' 5578: 0A00007F:A371 0100007F:5A0A 01 00000000:00000000 00:00000000 00000000     0        0 30597 2 00000000c1bd1571 0         ',
  ' 5579: 00000000:0D39 00000000:0000 07 00000000:00000400 00:00000000 00000000     0        0 30598 2 00000000c1bd1572 3         ',
].join('\n');

describe('UDP kernel drops and receive queue', () => {
  it('ensures the drops and rx_queue columns of the sockets on a port are read and summed', () => {
    expect(parseUdpSocket(TABLE, 3385)).toEqual({ drops: 20, queuedBytes: 0x12c00 + 0x400 });
    expect(parseUdpSocket(TABLE, 0xa371)).toEqual({ drops: 0, queuedBytes: 0 });
    expect(parseUdpSocket(TABLE, 9)).toBeUndefined();
    expect(parseUdpSocket('sl local_address\n', 3385)).toBeUndefined();
  });

  it('ensures a real socket is found in /proc/net/udp with its drop count', async () => {
    const l = await UdpListener.open(
      { address: '127.0.0.1', port: 0, receiveBufferBytes: 65536 },
      () => {},
      () => {},
    );
    try {
      expect(await l.kernelState()).toEqual({ drops: 0, queuedBytes: 0 });
      expect(l.kernelGauges()).toEqual({ drops: 0, queuedBytes: 0 });
      // While this thread is blocked (execFileSync), a child floods the socket past its small
      // buffer: the kernel drops what does not fit, and the count shows it.
      const flood = `const s=require('dgram').createSocket('udp4');let n=0;const b=Buffer.alloc(1200);
        (function go(){for(let i=0;i<100;i++)s.send(b,${l.port},'127.0.0.1');if((n+=100)<3000)setImmediate(go);else setTimeout(()=>s.close(),50);})();`;
      execFileSync(process.execPath, ['-e', flood]);
      // Read before this thread's event loop runs and drains the socket: what did fit still waits in
      // the queue, counted with the kernel's overhead per datagram.
      const queued = parseUdpSocket(readFileSync('/proc/net/udp', 'utf8'), l.port);
      expect(queued?.queuedBytes).toBeGreaterThan(1200);
      expect(queued?.queuedBytes).toBeLessThanOrEqual(l.receiveBufferBytes());
      expect((await l.kernelState())?.drops).toBeGreaterThan(0);
    } finally {
      await l.close();
    }
  });
});
