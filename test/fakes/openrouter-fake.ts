/**
 * A fake OpenRouter: a real HTTP server on 127.0.0.1 (random port) speaking the documented wire format
 * (reference/openrouter.md) for POST /embeddings, POST /chat/completions, GET /models,
 * GET /embeddings/models and GET /key, including its failures. Answers are deterministic: a chat request
 * gets a style brief, a clean verdict when it asks the vision check's questions, or an image when it asks
 * for the image modality. Faults come from a per-endpoint queue (exact tests) or from probability rules
 * with a seeded RNG (benchmarks).
 * Every request is logged with its parsed body and headers (Authorization redacted) so tests can
 * assert exactly what was sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAspectRatio, isSizeTier, outputSize } from '../../src/core/output-sizes.js';
import { createPriceTable } from '../../src/adapters/openrouter/pricing.js';
import type { ChatRequest, ContentPart, EmbeddingsRequest, KeyInfo, ModelInfo } from '../../src/adapters/openrouter/wire.js';
import { fakeBrief, fakeEmbedding, fakeImage, fakeVisionVerdict, looseBriefAnswer, looseVerdictAnswer } from './openrouter-fake-answers.js';
import { FAKE_EMBEDDING_MODELS, FAKE_KEY, FAKE_MODELS } from './openrouter-fake-models.js';
import { seededRandom } from './seeded-random.js';

export type FakeEndpoint = 'embeddings' | 'chat' | 'models' | 'embedding-models' | 'key';

export type FakeFault =
  /** Answer normally (a queue placeholder, to fault a later request). */
  | { kind: 'none' }
  /** An HTTP error with OpenRouter's error body; `body` replaces the JSON body (e.g. an HTML edge page). */
  | { kind: 'status'; status: number; message?: string; metadata?: Record<string, unknown>; retryAfter?: string; body?: string }
  /** Never answer (until the client gives up or the server stops). */
  | { kind: 'hang' }
  /** 200 with choices[0].finish_reason "error". */
  | { kind: 'finish-error'; message?: string }
  /** 200 with an `error` object on the choice. */
  | { kind: 'choice-error'; code?: number; message?: string }
  /** 200 with only `{error: {...}}` in the body. */
  | { kind: 'top-level-error'; code: number; message?: string }
  /** An image request answered with text only. */
  | { kind: 'no-image'; text?: string }
  /** 200 with a body cut off mid-JSON. */
  | { kind: 'malformed-json' }
  /** 200 with empty content: reasoning used every token (finish_reason "length"). */
  | { kind: 'empty-content' }
  /** A chat answer with exactly this text. */
  | { kind: 'text'; content: string }
  /** An image of this pixel size instead of the requested one. */
  | { kind: 'wrong-size'; width: number; height: number }
  /** An embeddings answer missing the item with this index. */
  | { kind: 'drop-embedding'; index: number }
  /** Embeddings of this length instead of the configured dimension. */
  | { kind: 'wrong-dimension'; dimension: number };

export interface FakeRequestLog {
  endpoint: FakeEndpoint | 'unknown';
  method: string;
  path: string;
  /** Lower-cased header names; `authorization` is "Bearer [redacted]" when a bearer token was sent. */
  headers: Record<string, string>;
  /** Whether an `Authorization: Bearer <token>` header was sent. */
  bearerSent: boolean;
  /** Whether that token was the fake's expected key (always true when no key is configured). */
  keyMatched: boolean;
  /** Parsed JSON body (undefined for GET). */
  body: any;
  /** The fault applied, if any. */
  fault?: FakeFault['kind'];
  /** Status answered (undefined while hanging). */
  status?: number;
  /** When the request arrived and when its answer was sent (ms since the epoch): how many were in flight at once. */
  arrivedAt: number;
  answeredAt?: number;
}

export interface FakeOptions {
  /** When set, only this bearer token is accepted (others get 401). */
  apiKey?: string;
  /** Embedding length. Default 2048. */
  dimension?: number;
  /** Delay before answering, per endpoint. */
  latencyMs?: Partial<Record<FakeEndpoint, number>>;
  /** Where generated images go in the answer. Default "images" (message.images). */
  imagePlacement?: 'images' | 'content' | 'both';
  /** "solid" (fast, default) or "tinted" (a tinted copy of the first input image). */
  imageStyle?: 'solid' | 'tinted';
  /** Answer embeddings in reverse order (the client must sort by index). */
  reverseEmbeddings?: boolean;
  /**
   * How briefs and vision verdicts are written. "strict" (default): exactly the schema. "loose": as real models
   * often answer, usable only after normalising (openrouter-fake-answers.ts, looseBriefAnswer and looseVerdictAnswer).
   */
  answers?: 'strict' | 'loose';
  /** Random faults for load tests: each rule fires with its probability, using the seeded RNG. */
  randomFaults?: Array<{ endpoint?: FakeEndpoint; probability: number; fault: FakeFault }>;
  seed?: number;
  models?: ModelInfo[];
  embeddingModels?: ModelInfo[];
  key?: KeyInfo;
}

export interface OpenRouterFake {
  /** e.g. http://127.0.0.1:41234/api/v1 */
  readonly baseUrl: string;
  readonly requests: FakeRequestLog[];
  requestsTo(endpoint: FakeEndpoint): FakeRequestLog[];
  /** Resolves with the next request to `endpoint` as soon as it arrives, before it is answered (or held by a "hang"). */
  nextRequest(endpoint: FakeEndpoint): Promise<FakeRequestLog>;
  /** The next requests to `endpoint` get these faults, in order. */
  enqueue(endpoint: FakeEndpoint, ...faults: FakeFault[]): void;
  /** Changes options for later requests. */
  configure(options: Partial<FakeOptions>): void;
  /** Clears the log and the fault queues. */
  reset(): void;
  stop(): Promise<void>;
}

const PATHS: Record<string, { method: string; endpoint: FakeEndpoint }> = {
  '/api/v1/embeddings': { method: 'POST', endpoint: 'embeddings' },
  '/api/v1/chat/completions': { method: 'POST', endpoint: 'chat' },
  '/api/v1/models': { method: 'GET', endpoint: 'models' },
  '/api/v1/embeddings/models': { method: 'GET', endpoint: 'embedding-models' },
  '/api/v1/key': { method: 'GET', endpoint: 'key' },
};

export async function startOpenRouterFake(initial: FakeOptions = {}): Promise<OpenRouterFake> {
  let options: FakeOptions = { ...initial };
  let rng = seededRandom(options.seed ?? 1);
  const queues = new Map<FakeEndpoint, FakeFault[]>();
  const requests: FakeRequestLog[] = [];
  const waiting: Array<{ endpoint: FakeEndpoint; resolve: (entry: FakeRequestLog) => void }> = [];
  const prices = createPriceTable();
  let counter = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, { error: { code: 500, message: `fake server bug: ${(e as Error).message}` } });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const route = PATHS[path];
    const raw = await readBody(req);
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer \S+/.test(auth) ? auth.slice('Bearer '.length) : undefined;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    if (headers.authorization) headers.authorization = bearer ? 'Bearer [redacted]' : '[redacted]';
    let body: any;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    const entry: FakeRequestLog = {
      endpoint: route?.endpoint ?? 'unknown',
      method: req.method ?? '',
      path,
      headers,
      bearerSent: bearer !== undefined,
      keyMatched: bearer !== undefined && (options.apiKey === undefined || bearer === options.apiKey),
      body,
      arrivedAt: Date.now(),
    };
    requests.push(entry);
    for (const w of waiting.filter((x) => x.endpoint === entry.endpoint)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(entry);
    }
    const reply = (status: number, payload: unknown, extraHeaders: Record<string, string> = {}) => {
      entry.status = status;
      entry.answeredAt = Date.now();
      send(res, status, payload, extraHeaders);
    };

    if (!route || route.method !== req.method) return reply(404, { error: { code: 404, message: `No route ${req.method} ${path}` } });
    const latency = options.latencyMs?.[route.endpoint];
    if (latency) await new Promise((r) => setTimeout(r, latency));

    const needsKey = route.endpoint !== 'models' && route.endpoint !== 'embedding-models';
    if (needsKey && !entry.keyMatched) return reply(401, { error: { code: 401, message: bearer ? 'User not found.' : 'No auth credentials found' } });
    if (typeof body === 'string') return reply(400, { error: { code: 400, message: 'Request body is not valid JSON' } });

    const picked = nextFault(route.endpoint);
    const fault = picked?.kind === 'none' ? undefined : picked;
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'hang') return; // keep the socket open; stop() closes it
    if (fault?.kind === 'status') {
      const extra: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
      if (fault.body !== undefined) {
        entry.status = fault.status;
        entry.answeredAt = Date.now();
        res.writeHead(fault.status, { 'Content-Type': 'text/html', ...extra }).end(fault.body);
        return;
      }
      return reply(fault.status, { error: { code: fault.status, message: fault.message ?? http.STATUS_CODES[fault.status] ?? 'error', metadata: fault.metadata } }, extra);
    }
    if (fault?.kind === 'malformed-json') {
      entry.status = 200;
      entry.answeredAt = Date.now();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"gen-broken","choices":[{"message":{"content":"');
      return;
    }
    if (fault?.kind === 'top-level-error') return reply(200, { error: { code: fault.code, message: fault.message ?? 'Provider returned error' } });

    switch (route.endpoint) {
      case 'models':
        return reply(200, { data: options.models ?? FAKE_MODELS });
      case 'embedding-models':
        return reply(200, { data: options.embeddingModels ?? FAKE_EMBEDDING_MODELS });
      case 'key':
        return reply(200, { data: options.key ?? FAKE_KEY });
      case 'embeddings':
        return reply(200, embeddingsAnswer(body as EmbeddingsRequest, fault));
      case 'chat': {
        const answer = await chatAnswer(body as ChatRequest, fault);
        return reply(answer.status, answer.payload);
      }
    }
  }

  function nextFault(endpoint: FakeEndpoint): FakeFault | undefined {
    const queued = queues.get(endpoint)?.shift();
    if (queued) return queued;
    for (const rule of options.randomFaults ?? []) {
      if (rule.endpoint && rule.endpoint !== endpoint) continue;
      if (rng() < rule.probability) return rule.fault;
    }
    return undefined;
  }

  function embeddingsAnswer(body: EmbeddingsRequest, fault?: FakeFault) {
    const inputs: unknown[] = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
    const dimension = fault?.kind === 'wrong-dimension' ? fault.dimension : (options.dimension ?? 2048);
    // The documented quirk: anything but "float" has been seen answering 200 with empty data.
    let data =
      body.encoding_format === 'float' ? inputs.map((input, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(input, dimension) })) : [];
    if (fault?.kind === 'drop-embedding') data = data.filter((d) => d.index !== fault.index);
    if (options.reverseEmbeddings) data = data.reverse();
    const promptTokens = inputs.length * 64;
    return { id: `emb-${++counter}`, object: 'list', data, model: body.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, cost: 0 } };
  }

  async function chatAnswer(body: ChatRequest, fault?: FakeFault): Promise<{ status: number; payload: unknown }> {
    const id = `gen-${++counter}`;
    const parts = userParts(body);
    const imagesIn = parts.filter((p): p is Extract<ContentPart, { type: 'image_url' }> => p.type === 'image_url');
    const textIn = parts.filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text').map((p) => p.text).join('\n');
    const promptTokens = Math.ceil(textIn.length / 4) + 258 * imagesIn.length;
    const wantsImage = body.modalities?.includes('image') ?? false;
    const base = { id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model, provider: 'FakeProvider' };

    if (fault?.kind === 'finish-error' || fault?.kind === 'choice-error') {
      const choice: Record<string, unknown> = { index: 0, message: { role: 'assistant', content: '' }, finish_reason: fault.kind === 'finish-error' ? 'error' : 'stop' };
      if (fault.kind === 'choice-error') choice.error = { code: fault.code ?? 502, message: fault.message ?? 'Upstream provider error' };
      else choice.message = { role: 'assistant', content: fault.message ?? 'The provider stopped with an error.' };
      return { status: 200, payload: { ...base, choices: [choice], usage: usage(body.model, promptTokens, 0, 0) } };
    }
    if (fault?.kind === 'empty-content') {
      const spent = body.max_tokens ?? 1000;
      return {
        status: 200,
        payload: {
          ...base,
          choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: '', reasoning: 'Let me think about the photos…' } }],
          usage: { ...usage(body.model, promptTokens, spent, 0), completion_tokens_details: { reasoning_tokens: spent } },
        },
      };
    }

    if (!wantsImage) {
      let content: string;
      if (fault?.kind === 'text') content = fault.content;
      else if (asksVisionCheck(body, textIn)) content = options.answers === 'loose' ? looseVerdictAnswer() : JSON.stringify(fakeVisionVerdict());
      else if (options.answers === 'loose') content = looseBriefAnswer(textIn);
      else {
        const brief = JSON.stringify(fakeBrief(textIn), null, 2);
        content = body.response_format?.type === 'json_schema' ? brief : `Here is the style brief:\n\`\`\`json\n${brief}\n\`\`\``;
      }
      const completion = Math.ceil(content.length / 4);
      return { status: 200, payload: { ...base, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: usage(body.model, promptTokens, completion, 0) } };
    }

    const aspect = body.image_config?.aspect_ratio ?? '1:1';
    const tier = body.image_config?.image_size ?? '1K';
    if (!isAspectRatio(aspect) || !isSizeTier(tier)) {
      return { status: 400, payload: { error: { code: 400, message: `Invalid image_config: aspect_ratio "${aspect}", image_size "${tier}"` } } };
    }
    if (fault?.kind === 'no-image') {
      const content = fault.text ?? "I can't create that image.";
      return { status: 200, payload: { ...base, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: usage(body.model, promptTokens, 12, 0) } };
    }
    const size = fault?.kind === 'wrong-size' ? { width: fault.width, height: fault.height } : outputSize(aspect, tier);
    const firstImage = imagesIn[0] ? Buffer.from(imagesIn[0].image_url.url.split(',')[1] ?? '', 'base64') : undefined;
    const png = await fakeImage(size.width, size.height, { seedText: `${textIn}|${aspect}|${tier}`, style: options.imageStyle ?? 'solid', source: firstImage });
    const imagePart = { type: 'image_url' as const, image_url: { url: `data:image/png;base64,${png.toString('base64')}` } };
    const text = 'Here is the promo image.';
    const placement = options.imagePlacement ?? 'images';
    const message: Record<string, unknown> = { role: 'assistant', content: text };
    if (placement === 'images' || placement === 'both') message.images = [imagePart];
    if (placement === 'content' || placement === 'both') message.content = [{ type: 'text', text }, imagePart];
    const cost = prices.imageCost(body.model, tier) ?? 0.04;
    return { status: 200, payload: { ...base, choices: [{ index: 0, finish_reason: 'stop', message }], usage: { ...usage(body.model, promptTokens, 1290, cost), completion_tokens_details: { image_tokens: 1290 } } } };
  }

  function usage(model: string, promptTokens: number, completionTokens: number, fixedCost: number) {
    const cost = fixedCost || (prices.tokenCost(model, promptTokens, completionTokens) ?? 0);
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, cost, cost_details: { upstream_inference_cost: cost } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    requests,
    requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint),
    nextRequest: (endpoint) => new Promise((resolve) => waiting.push({ endpoint, resolve })),
    enqueue(endpoint, ...faults) {
      queues.set(endpoint, [...(queues.get(endpoint) ?? []), ...faults]);
    },
    configure(partial) {
      options = { ...options, ...partial };
      if (partial.seed !== undefined) rng = seededRandom(partial.seed);
    },
    reset() {
      requests.length = 0;
      queues.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The vision check's request: its structured-output schema, or (for models without one) its questions in the text. */
function asksVisionCheck(body: ChatRequest, textIn: string): boolean {
  const format = body.response_format;
  return (format?.type === 'json_schema' && format.json_schema.name === 'vision_check') || textIn.includes('labelOrTagVisible');
}

function userParts(body: ChatRequest): ContentPart[] {
  const parts: ContentPart[] = [];
  for (const m of body.messages ?? []) {
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') parts.push({ type: 'text', text: m.content });
    else parts.push(...m.content);
  }
  return parts;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(payload));
}
