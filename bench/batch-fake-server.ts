/**
 * The fake OpenRouter for bench/batch.ts, in its own process so that the benchmark's CPU and memory
 * figures are hitline's alone. A thin proxy in front of the fake adds latency by kind of call (the fake
 * has one latency per endpoint, but analysis and generation share /chat/completions) and counts what
 * went through: requests per kind, the most in flight at once, and every delivered generation by the
 * hash of its request body (the witness that nothing was generated twice).
 *
 * Started by bench/batch.ts with fork(); talks over IPC:
 *   → { cmd: 'latency', ms: { embed, analyze, generate } }   ← { ok: true }
 *   → { cmd: 'stats' }                                         ← { stats }
 *   → { cmd: 'reset' }                                         ← { ok: true }
 * and sends { ready: true, baseUrl } once listening.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOpenRouterFake } from '../test/fakes/openrouter-fake.js';

type Kind = 'embed' | 'analyze' | 'generate' | 'other';

interface Stats {
  requests: Record<Kind, number>;
  peakInFlight: Record<Kind, number>;
  /** Delivered generations per request-body hash. */
  deliveredByKey: Record<string, number>;
  firstRequestAt?: number;
  lastAnswerAt?: number;
}

const fresh = (): Stats => ({
  requests: { embed: 0, analyze: 0, generate: 0, other: 0 },
  peakInFlight: { embed: 0, analyze: 0, generate: 0, other: 0 },
  deliveredByKey: {},
});

const fake = await startOpenRouterFake({ apiKey: 'bench-key', imageStyle: 'solid' });
let latency: Record<Kind, number> = { embed: 0, analyze: 0, generate: 0, other: 0 };
let stats = fresh();
const inFlight: Record<Kind, number> = { embed: 0, analyze: 0, generate: 0, other: 0 };

const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const url = req.url ?? '';
  const text = body.toString('utf8');
  const kind: Kind = url.endsWith('/embeddings') ? 'embed' : url.endsWith('/chat/completions') ? (/"modalities":\[[^\]]*"image"/.test(text) ? 'generate' : 'analyze') : 'other';
  stats.requests[kind] += 1;
  stats.firstRequestAt ??= Date.now();
  inFlight[kind] += 1;
  stats.peakInFlight[kind] = Math.max(stats.peakInFlight[kind], inFlight[kind]);
  try {
    if (latency[kind]) await new Promise((r) => setTimeout(r, latency[kind]));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(`${fake.baseUrl}${url.replace(/^\/api\/v1/, '')}`, { method: req.method, headers, body: body.length ? body : undefined });
    const out = Buffer.from(await answer.arrayBuffer());
    if (kind === 'generate' && answer.status === 200 && out.includes('"image_url"')) {
      const key = createHash('sha256').update(body).digest('hex');
      stats.deliveredByKey[key] = (stats.deliveredByKey[key] ?? 0) + 1;
    }
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' }).end(out);
  } catch (e) {
    res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 500, message: String(e) } }));
  } finally {
    inFlight[kind] -= 1;
    stats.lastAnswerAt = Date.now();
  }
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

process.on('message', (msg: { cmd: string; ms?: Partial<Record<Kind, number>> }) => {
  if (msg.cmd === 'latency') {
    latency = { ...latency, ...msg.ms };
    process.send!({ ok: true });
  } else if (msg.cmd === 'stats') {
    process.send!({ stats });
  } else if (msg.cmd === 'reset') {
    stats = fresh();
    process.send!({ ok: true });
  }
});
process.on('disconnect', () => {
  server.close();
  void fake.stop().then(() => process.exit(0));
});
process.send!({ ready: true, baseUrl: `http://127.0.0.1:${port}/api/v1` });
