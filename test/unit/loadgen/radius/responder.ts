/**
 * A small RADIUS accounting server for loadgen tests: a UDP socket on 127.0.0.1 that checks each
 * Accounting-Request's authenticator with the secret and answers it; `dropAnswer` can leave answers
 * out (the request is still counted as received). Records every request's Acct-Session-Id and status.
 */
import { createSocket, type Socket } from 'node:dgram';
import {
  checkAccountingRequest,
  decodeAccountingRequest,
  encodeAccountingResponse,
  type AccountingRequest,
} from '../../../../src/protocols/radius/index.js';

export class RadiusResponder {
  readonly received: AccountingRequest[] = [];
  readonly peers = new Set<string>();
  bad = 0;
  #socket: Socket | undefined;
  port = 0;

  constructor(
    private readonly secret: string,
    private readonly dropAnswer: (nth: number) => boolean = () => false,
  ) {}

  async listen(): Promise<this> {
    const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    this.#socket = s;
    s.on('message', (buf, rinfo) => {
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      if (checkAccountingRequest(bytes, this.secret) !== 'ok') {
        this.bad++;
        return;
      }
      const req = decodeAccountingRequest(bytes);
      this.received.push(req);
      this.peers.add(rinfo.address);
      if (this.dropAnswer(this.received.length)) return;
      s.send(encodeAccountingResponse(req, this.secret), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    this.port = s.address().port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) =>
      this.#socket === undefined ? resolve() : this.#socket.close(() => resolve()),
    );
  }
}
