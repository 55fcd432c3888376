/**
 * Probes for the shared services tests rely on. When a service is unreachable, the test file skips
 * with a loud warning — except under CI=true, where the probe throws and the run fails.
 */
import { connect } from 'node:net';
import { Client } from 'pg';

export interface ServiceProbe {
  readonly available: boolean;
  /** Why the service could not be used, when it could not. */
  readonly reason?: string;
}

export interface ProbeOptions {
  host?: string;
  port?: number;
  timeoutMs?: number;
  /** The environment that decides between failing (CI=true) and skipping; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

function verdict(service: string, address: string, reason: string, env: ProbeOptions['env']): ServiceProbe {
  const message = `${service} unreachable at ${address} (${reason})`;
  if ((env ?? process.env)['CI'] === 'true') {
    throw new Error(`${message}: expected it to run under CI=true; start it before the tests`);
  }
  console.warn(`\n*** SKIPPED: ${message}; the tests that need it do not run ***\n`);
  return { available: false, reason };
}

/** Connects, sends PING, expects +PONG, and closes again (plain RESP over TCP: no client state to leak). */
export async function requireRedis(options: ProbeOptions = {}): Promise<ServiceProbe> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 6379;
  const problem = await exchange(host, port, options.timeoutMs ?? 1_000, '*1\r\n$4\r\nPING\r\n', (reply) =>
    reply === '+PONG' ? null : `PING answered ${JSON.stringify(reply)}`,
  );
  if (problem === null) return { available: true };
  return verdict('Redis', `${host}:${port}`, problem, options.env);
}

/** Sends `request` and judges the first reply line; resolves to null when the judge is content. */
function exchange(
  host: string,
  port: number,
  timeoutMs: number,
  request: string,
  judge: (firstLine: string) => string | null,
): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    let settled = false;
    const finish = (problem: string | null): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(judge(received.slice(0, end)));
    });
    socket.once('end', () => finish(`connection closed after ${JSON.stringify(received)}`));
    socket.once('error', (err) => finish(err.message));
  });
}

/** Opens a TCP connection and closes it; enough to know the server listens. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (problem: string | null): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => finish(null));
    socket.once('error', (err) => finish(err.message));
  });
}

export async function requirePostgres(options: ProbeOptions = {}): Promise<ServiceProbe> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5432;
  const problem = await probeTcp(host, port, options.timeoutMs ?? 1_000);
  if (problem === null) return { available: true };
  return verdict('PostgreSQL', `${host}:${port}`, problem, options.env);
}

export interface PostgresProbe extends ServiceProbe {
  /** postgres://user@host:port/database of the probed server (trust auth). */
  readonly url: string;
}

/**
 * The TCP probe of requirePostgres, then `SELECT 1` through pg as `user` (default postgres) on
 * `database` (default test): a listening port alone does not prove a usable database.
 */
export async function requirePostgresDatabase(
  options: ProbeOptions & { database?: string; user?: string } = {},
): Promise<PostgresProbe> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5432;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const url = `postgres://${options.user ?? 'postgres'}@${host}:${port}/${options.database ?? 'test'}`;
  let problem = await probeTcp(host, port, timeoutMs);
  if (problem === null) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined); // a late socket error after the probe must not crash the run
    try {
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      if (rows[0]?.one !== 1) problem = `SELECT 1 answered ${JSON.stringify(rows)}`;
    } catch (err) {
      problem = `SELECT 1 as ${url} failed: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (problem === null) return { available: true, url };
  return { ...verdict('PostgreSQL', `${host}:${port}`, problem, options.env), url };
}
