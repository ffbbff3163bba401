/**
 * The server on a port (@hono/node-server), and its graceful shutdown: on SIGTERM or SIGINT it stops taking
 * connections and reports not ready, lets requests in flight finish, soft-stops running runs (calls in
 * flight finish and are stored; the runs resume at the next start), then resolves so the process exits 0.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Logger } from '../service/log.js';
import type { HitlineServer } from './hitline-server.js';

export interface ListenOptions {
  host: string;
  port: number;
  /** How long runs get to checkpoint before their calls in flight are cancelled. */
  graceMs: number;
  logger: Logger;
  signals?: NodeJS.Signals[];
}

export interface Listening {
  url: string;
  /** Resolves once the server has shut down (after a signal or `shutdown()`). */
  closed: Promise<void>;
  shutdown(reason: string): Promise<void>;
}

export async function listen(hitline: HitlineServer, o: ListenOptions): Promise<Listening> {
  const http = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: hitline.app.fetch, port: o.port, hostname: o.host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  http.requestTimeout = 0; // uploads and event streams may take long; limits are on bytes, not time
  const { port } = http.address() as AddressInfo;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  let closing: Promise<void> | undefined;
  let resolveClosed: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];

  const shutdown = (reason: string) => {
    closing ??= (async () => {
      o.logger.log('info', 'shutting down', { reason });
      const httpClosed = new Promise<void>((r) => http.close(() => r()));
      http.closeIdleConnections();
      await hitline.close(o.graceMs);
      // Event streams of runs that did not end, and keep-alive sockets, get a moment, then are closed.
      const late = setTimeout(() => http.closeAllConnections(), 2_000);
      await httpClosed;
      clearTimeout(late);
      for (const s of signals) process.off(s, onSignal);
      o.logger.log('info', 'stopped', {});
      resolveClosed();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  for (const s of signals) process.on(s, onSignal);
  return { url, closed, shutdown };
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
