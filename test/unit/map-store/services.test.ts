import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probeTcp, requirePostgres, requireRedis } from '../../helpers/services.js';

/** A port nothing listens on: bound, noted, and released again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

describe('service probes', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    servers.length = 0;
  });

  it('ensures an unreachable Redis is skipped with a loud SKIPPED warning outside CI', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const port = await closedPort();
    const probe = await requireRedis({ port, env: {} });
    expect(probe.available).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`SKIPPED: Redis unreachable at 127.0.0.1:${port}`);
  });

  it('ensures an unreachable Redis fails the run under CI=true', async () => {
    const port = await closedPort();
    await expect(requireRedis({ port, env: { CI: 'true' } })).rejects.toThrow(
      `Redis unreachable at 127.0.0.1:${port}`,
    );
  });

  it('ensures an unreachable PostgreSQL is skipped outside CI and fails under CI=true', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const port = await closedPort();
    expect((await requirePostgres({ port, env: { CI: 'false' } })).available).toBe(false);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`SKIPPED: PostgreSQL unreachable at 127.0.0.1:${port}`);
    await expect(requirePostgres({ port, env: { CI: 'true' } })).rejects.toThrow(
      'expected it to run under CI=true',
    );
  });

  it('ensures the TCP probe reports a listening port as reachable', async () => {
    const server = createServer((socket) => socket.resume().end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    expect(await probeTcp('127.0.0.1', address.port, 1_000)).toBeNull();
    expect((await requirePostgres({ port: address.port, env: { CI: 'true' } })).available).toBe(true);
  });

  it('ensures a TCP server that is not Redis does not pass for Redis', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = createServer((socket) => socket.resume().end('-ERR not redis\r\n'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    expect((await requireRedis({ port: address.port, env: {}, timeoutMs: 500 })).available).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
