/**
 * Webhooks, optional per tenant: run.finished, product.failed and run.stopped (budget, credits, key) are
 * POSTed as JSON `{id, type, created, data}`, signed (signature.ts), and retried with exponential backoff
 * on a non-2xx answer or after 10 s without one, always with the same event id so a receiver can drop
 * duplicates. Each attempt is logged in the tenant's `webhooks.jsonl`. Deliveries are best effort and are
 * not kept across a restart: polling the API stays the source of truth.
 */
import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { RunEvent } from '../runs/run-events.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.js';

export type WebhookType = 'run.finished' | 'run.stopped' | 'product.failed';

export interface WebhookEvent {
  id: string;
  type: WebhookType;
  created: string;
  data: Record<string, unknown>;
}

export interface WebhookSenderOptions {
  /** The tenant's webhook, if it has one. */
  target: (tenantId: string) => { url: string; secret: string } | undefined;
  /** Where the tenant's delivery log goes. */
  logFile: (tenantId: string) => string;
  logger: Logger;
  /** Waits before each retry (default 2 s, 10 s, 1 min, 5 min, 30 min). */
  backoffMs?: readonly number[];
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Which run events become webhooks, and their data. */
function webhookFor(runId: string, e: RunEvent): { type: WebhookType; data: Record<string, unknown> } | undefined {
  if (e.type === 'product-failed') return { type: 'product.failed', data: { runId, productId: e.productId, stage: e.stage, error: e.error } };
  if (e.type === 'run-status' && e.status === 'finished') return { type: 'run.finished', data: { runId, status: e.status } };
  // A stop the tenant must act on; a server shutdown is not one (the run resumes when the server starts).
  if (e.type === 'run-status' && e.status === 'stopped' && e.reason !== 'interrupted') return { type: 'run.stopped', data: { runId, reason: e.reason, message: e.message } };
  return undefined;
}

export class WebhookSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly o: WebhookSenderOptions) {}

  onRunEvent(tenantId: string, runId: string, e: RunEvent): void {
    const hook = webhookFor(runId, e);
    if (hook) this.send(tenantId, hook.type, hook.data);
  }

  send(tenantId: string, type: WebhookType, data: Record<string, unknown>): WebhookEvent | undefined {
    if (!this.o.target(tenantId) || this.closed) return undefined;
    const event: WebhookEvent = { id: `evt_${randomBytes(12).toString('hex')}`, type, created: new Date().toISOString(), data };
    this.attempt(tenantId, event, JSON.stringify(event), 1);
    return event;
  }

  /** Resolves when no delivery is in flight and none is waiting to be retried. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /** Drops pending retries (shutdown). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private attempt(tenantId: string, event: WebhookEvent, body: string, attempt: number): void {
    const target = this.o.target(tenantId);
    if (!target || this.closed) return;
    const started = Date.now();
    const delivery = this.post(target, event, body, attempt).then(async (outcome) => {
      await this.logAttempt(tenantId, { time: new Date().toISOString(), eventId: event.id, type: event.type, attempt, ...outcome, ms: Date.now() - started });
      const backoff = this.o.backoffMs ?? [2_000, 10_000, 60_000, 300_000, 1_800_000];
      if (outcome.ok || attempt > backoff.length) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.attempt(tenantId, event, body, attempt + 1);
      }, backoff[attempt - 1]);
      this.timers.add(timer);
    });
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async post(target: { url: string; secret: string }, event: WebhookEvent, body: string, attempt: number): Promise<{ ok: boolean; status?: number; error?: string }> {
    try {
      const res = await (this.o.fetch ?? fetch)(target.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hitline-webhooks',
          [EVENT_ID_HEADER]: event.id,
          'hitline-delivery-attempt': String(attempt),
          [SIGNATURE_HEADER]: signWebhook(target.secret, Math.floor(Date.now() / 1000), body),
        },
      });
      await res.body?.cancel();
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    } catch (e) {
      return { ok: false, error: (e as Error).name === 'TimeoutError' ? 'no answer within the timeout' : (e as Error).message };
    }
  }

  private async logAttempt(tenantId: string, entry: Record<string, unknown>): Promise<void> {
    try {
      await appendFile(this.o.logFile(tenantId), `${JSON.stringify(entry)}\n`);
    } catch (e) {
      this.o.logger.log('warn', 'webhook delivery log not written', { tenant: tenantId, file: path.basename(this.o.logFile(tenantId)), error: (e as Error).message });
    }
  }
}
