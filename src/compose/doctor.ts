/**
 * `hitline doctor`'s checks, shared by every entry point: which adapter each stage uses, the paid provider
 * (key, credits, models), the store (reachable, which embedder filled it) and the blob storage runs share
 * (which one, reachable, writable; its credentials never printed).
 */
import { existsSync } from 'node:fs';
import { createOpenRouterClient } from '../adapters/openrouter/client.js';
import { runOpenRouterDoctor, type DoctorCheck } from '../adapters/openrouter/doctor.js';
import { OPENROUTER_MODELS } from '../adapters/openrouter/models.js';
import { newRunId } from '../pipeline/workspace.js';
import { createEmbedder, openStore, resolveStage } from './adapters.js';
import { adapterSettings, type HitlineContext } from './context.js';
import { queueCheck } from './queue/index.js';
import { createBlobStorage, describeStorage, storageSettingsFromEnv, type StorageSettings } from './storage.js';

export type { DoctorCheck };

/** `queueUrl`: also check the queue (Redis reachable, workers connected). */
export async function doctorChecks(ctx: HitlineContext, options: { queueUrl?: string } = {}): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const settings = adapterSettings(ctx, `doctor-${newRunId()}`);
  const stages = (['embedder', 'analyzer', 'generator'] as const).map((stage) => {
    try {
      return { stage, adapter: resolveStage(stage, settings) };
    } catch (err) {
      checks.push({ check: `${stage} adapter`, ok: false, detail: (err as Error).message, hint: (err as { hint?: string }).hint });
      return { stage, adapter: 'local' as const };
    }
  });
  checks.push({ check: 'adapters', ok: true, detail: stages.map((s) => `${s.stage}: ${s.adapter}`).join(', ') + (ctx.offline ? ' (--offline)' : '') });

  if (stages.some((s) => s.adapter === 'openrouter')) {
    const client = createOpenRouterClient({ ...ctx.config.openrouter, maxRetries: 1 }, ctx.env);
    const pick = (stage: string) => stages.find((s) => s.stage === stage)?.adapter === 'openrouter';
    checks.push(...(await runOpenRouterDoctor({
      client,
      models: {
        embedding: pick('embedder') ? ctx.config.models.embedding ?? OPENROUTER_MODELS.nemotronEmbed : undefined,
        analyzer: pick('analyzer') ? ctx.config.models.analyzer ?? OPENROUTER_MODELS.qwen35 : undefined,
        generator: pick('generator') ? ctx.generatorModel ?? ctx.config.models.generator ?? OPENROUTER_MODELS.nanoBanana2 : undefined,
      },
    })));
  } else {
    checks.push({ check: 'OpenRouter', ok: true, detail: 'not used: every stage runs offline', hint: 'Set OPENROUTER_API_KEY to use the cloud models.' });
  }

  checks.push(await storeCheck(ctx));
  checks.push(await storageCheck(ctx));
  if (options.queueUrl) checks.push(await queueCheck(options.queueUrl));
  return checks;
}

/** Writes, reads back and deletes a small blob in the configured storage (errors come without credentials). */
async function storageCheck(ctx: HitlineContext): Promise<DoctorCheck> {
  let settings: StorageSettings;
  try {
    settings = storageSettingsFromEnv(ctx.env, ctx.ws.root, ctx.config.storage);
  } catch (err) {
    return { check: 'storage', ok: false, detail: (err as Error).message, hint: (err as { hint?: string }).hint };
  }
  // The default folder is made by the first run that shares work; doctor does not create it (it works on a
  // read-only workspace), but checks a folder that exists or was configured.
  const configuredDir = ctx.env.HITLINE_STORAGE_DIR?.trim() || ctx.config.storage?.dir;
  if (settings.kind === 'folder' && !configuredDir && !existsSync(settings.dir)) {
    return { check: 'storage', ok: true, detail: `folder ${settings.dir} (not created yet: the first run that uses it creates it)` };
  }
  // One attempt: doctor reports a fault at once instead of retrying it with backoff.
  const storage = createBlobStorage(settings.kind === 's3' ? { ...settings, s3: { ...settings.s3, maxAttempts: 1 } } : settings);
  const which = describeStorage(settings, storage);
  try {
    await storage.check();
    return { check: 'storage', ok: true, detail: `${which}: reachable and writable` };
  } catch (err) {
    return { check: 'storage', ok: false, detail: `${which}: ${(err as Error).message}`, hint: (err as { hint?: string }).hint };
  } finally {
    await storage.close?.();
  }
}

async function storeCheck(ctx: HitlineContext): Promise<DoctorCheck> {
  const settings = adapterSettings(ctx, `doctor-${newRunId()}`);
  try {
    const store = await openStore(ctx.ws, settings);
    try {
      const recorded = await store.recordedEmbedder();
      if (!recorded) return { check: 'store', ok: true, detail: `${store.kind} in ${ctx.ws.root} is empty`, hint: 'Run `hitline ingest` to add your hit products.' };
      const embedder = createEmbedder(settings);
      const sameEmbedder = recorded.embedderId === embedder.id && recorded.dimension === embedder.dimension;
      await store.open(recorded);
      const count = await store.count();
      await embedder.close?.();
      return sameEmbedder
        ? { check: 'store', ok: true, detail: `${store.kind}: ${count} product(s), embedded with ${recorded.embedderId} (${recorded.dimension}-d)` }
        : {
            check: 'store', ok: false,
            detail: `${store.kind} holds ${count} product(s) embedded with ${recorded.embedderId} (${recorded.dimension}-d), but this configuration embeds with ${embedder.id} (${embedder.dimension}-d)`,
            hint: 'Use the same mode as at ingest (e.g. --offline), or re-ingest into a new --workspace with the current embedder.',
          };
    } finally {
      await store.close();
    }
  } catch (err) {
    return { check: 'store', ok: false, detail: (err as Error).message, hint: (err as { hint?: string }).hint };
  }
}
