/**
 * The host's admin HTTP endpoint (node:http, no framework):
 *   GET /metrics  Prometheus text exposition of the host's registry
 *   GET /status   JSON of the host status (bigints as decimal strings)
 *   GET /healthz  200 "ok" while the process serves requests
 *   POST <action> operations the host registers (e.g. /map: apply a new data-flow map)
 * HEAD is answered like GET without a body; other methods get 405, other paths 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { HostMetrics } from '../../actors/telemetry/metrics.js';

export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks an ephemeral port; the one bound is returned. */
  readonly port: number;
  readonly metrics: Pick<HostMetrics, 'metricsText' | 'contentType'>;
  readonly status: () => Promise<unknown> | unknown;
  readonly log: Logger;
  /** POST endpoints: path → handler of the request body (at most MAX_BODY bytes of UTF-8). */
  readonly actions?: Readonly<Record<string, (body: string) => Promise<ActionReply>>>;
}

export interface ActionReply {
  readonly status: number;
  readonly body: unknown;
}

/** Largest POST body accepted. */
export const MAX_BODY = 4 * 1024 * 1024;

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

export type AdminServerCode = 'invalid_option' | 'listen_failed' | 'body_too_large';

export class AdminServerError extends Error {
  override readonly name = 'AdminServerError';
  constructor(
    readonly code: AdminServerCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

type Route = () => Promise<Reply>;

/** JSON in which bigints become decimal strings (JSON.stringify throws on them otherwise). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

const ALLOWED = 'GET, HEAD';

export async function startAdminServer(opts: AdminServerOptions): Promise<AdminServer> {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65_535) {
    throw new AdminServerError('invalid_option', `port: expected an integer 0–65535, got ${opts.port}`);
  }
  const routes = new Map<string, Route>([
    [
      '/metrics',
      async () => ({
        status: 200,
        contentType: opts.metrics.contentType,
        body: await opts.metrics.metricsText(),
      }),
    ],
    [
      '/status',
      async () => ({
        status: 200,
        contentType: 'application/json; charset=utf-8',
        body: toJson(await opts.status()),
      }),
    ],
    [
      '/healthz',
      () => Promise.resolve({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' }),
    ],
  ]);

  const actions = new Map(Object.entries(opts.actions ?? {}));
  const server = createServer((req, res) => {
    void handle(req, res, routes, actions, opts.log);
  });
  await listen(server, opts.host, opts.port, opts.log);
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port }, 'admin server listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: ReadonlyMap<string, Route>,
  actions: ReadonlyMap<string, (body: string) => Promise<ActionReply>>,
  log: Logger,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://admin.invalid').pathname;
  const route = routes.get(path);
  const action = actions.get(path);
  let reply: Reply;
  if (action !== undefined && req.method === 'POST') {
    try {
      const body = await readBody(req);
      const r = await action(body);
      reply = { status: r.status, contentType: 'application/json; charset=utf-8', body: toJson(r.body) };
    } catch (err) {
      log.error({ err, path }, 'admin action failed');
      reply = text(
        err instanceof AdminServerError ? 413 : 500,
        `${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  } else if (action !== undefined) {
    res.setHeader('Allow', 'POST');
    reply = text(405, `method ${req.method ?? '?'} not allowed on ${path}; expected POST\n`);
  } else if (route === undefined) {
    reply = text(404, `not found: ${path}; expected one of ${[...routes.keys()].join(', ')}\n`);
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', ALLOWED);
    reply = text(405, `method ${req.method ?? '?'} not allowed on ${path}; expected ${ALLOWED}\n`);
  } else {
    try {
      reply = await route();
    } catch (err) {
      log.error({ err, path }, 'admin request failed');
      reply = text(500, `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  res.statusCode = reply.status;
  res.setHeader('Content-Type', reply.contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

function text(status: number, body: string): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

function listen(server: Server, host: string, port: number, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(
        new AdminServerError(
          'listen_failed',
          `admin server could not listen on ${host}:${port}: ${err.message}`,
          {
            cause: err,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (err) => log.error({ err, host, port }, 'admin server error'));
      resolve();
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new AdminServerError('body_too_large', `request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
