/**
 * A proxy in front of the fake OpenRouter for the crash tests. It records, for every request, whether its
 * answer reached hitline (was written to the client's socket). It can also hold answers back: a test
 * that wants to kill hitline "between" answers holds them, gives hitline a moment to store what it already
 * has, and kills it; the held answers were never delivered, exactly like calls cut off by a crash.
 *
 * The fake's own log sees every request arrive; this log says which answers a crashed process could have
 * stored, which is what "never paid twice" is about.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CallKind = 'embed' | 'analyze' | 'generate' | 'other';

export interface ProxiedCall {
  kind: CallKind;
  /** sha256 of the request body: the same request sent twice has the same key. */
  key: string;
  arrivedAt: number;
  status?: number;
  /** The whole answer was handed to hitline's socket. */
  delivered: boolean;
  /** The answer was an image (generation) or a usable answer; the fake's fault answers are not. */
  ok: boolean;
}

export interface DeliveryProxy {
  readonly baseUrl: string;
  readonly calls: ProxiedCall[];
  /** Answers from now on are held (not sent) until `release`. */
  hold(): void;
  /** Sends nothing that was held: those answers are dropped, and later ones flow again. */
  release(): void;
  delivered(kind: CallKind): ProxiedCall[];
  /** Calls that arrived and have not been answered to the client yet. */
  inFlight(kind?: CallKind): number;
  /** Resolves when `predicate` holds (checked on every arrival and delivery). */
  when(predicate: () => boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startDeliveryProxy(targetBaseUrl: string, latencyMs: Partial<Record<CallKind, number>> = {}): Promise<DeliveryProxy> {
  const calls: ProxiedCall[] = [];
  let holding = false;
  const held: Array<() => void> = [];
  const watchers: Array<{ predicate: () => boolean; resolve: () => void }> = [];
  const check = () => {
    for (let i = watchers.length - 1; i >= 0; i--) {
      if (watchers[i].predicate()) {
        watchers[i].resolve();
        watchers.splice(i, 1);
      }
    }
  };
  const target = new URL(targetBaseUrl);
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '';
    const text = body.toString('utf8');
    const kind: CallKind = url.endsWith('/embeddings') ? 'embed' : url.endsWith('/chat/completions') ? (/"modalities":\[[^\]]*"image"/.test(text) ? 'generate' : 'analyze') : 'other';
    const call: ProxiedCall = { kind, key: createHash('sha256').update(body).digest('hex'), arrivedAt: Date.now(), delivered: false, ok: false };
    calls.push(call);
    check();
    let aborted = false;
    req.on('close', () => (aborted ||= !res.writableEnded));
    try {
      if (latencyMs[kind]) await new Promise((r) => setTimeout(r, latencyMs[kind]));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const answer = await fetch(`${target.origin}${url}`, { method: req.method, headers, body: body.length ? body : undefined });
      const out = Buffer.from(await answer.arrayBuffer());
      call.status = answer.status;
      call.ok = answer.status === 200 && (kind !== 'generate' || out.includes('"image_url"')) && !out.includes('"finish_reason":"error"');
      const send = () => {
        if (aborted || res.destroyed) return;
        res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(out, () => {
          call.delivered = true;
          check();
        });
      };
      if (holding) held.push(send);
      else send();
    } catch {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${target.pathname}`,
    calls,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      held.length = 0;
    },
    delivered: (kind) => calls.filter((c) => c.kind === kind && c.delivered),
    inFlight: (kind) => calls.filter((c) => (kind === undefined || c.kind === kind) && !c.delivered && c.status === undefined).length,
    when: (predicate) =>
      new Promise<void>((resolve) => {
        if (predicate()) resolve();
        else watchers.push({ predicate, resolve });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
