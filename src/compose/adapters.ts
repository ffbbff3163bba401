/**
 * The composition root's adapter choice: which adapter stands behind each port. A stage set to "auto" uses
 * OpenRouter when a key is present and the offline adapter otherwise; `--offline` forces every stage
 * offline; config can pin each stage. Only compose/ imports adapters; the pipeline sees ports.
 */
import { availableParallelism } from 'node:os';
import type { Embedder } from '../ports/embedder.js';
import { createLocalEmbedder } from '../adapters/local/embedder/index.js';
import { createOpenRouterEmbedder } from '../adapters/openrouter/embedder.js';
import type { StyleAnalyzer } from '../ports/style-analyzer.js';
import { createLocalStyleAnalyzer } from '../adapters/local/analyzer/index.js';
import { createOpenRouterStyleAnalyzer } from '../adapters/openrouter/style-analyzer.js';
import type { ImageGenerator } from '../ports/image-generator.js';
import { createLocalCompositor } from '../adapters/local/generator/index.js';
import { createOpenRouterImageGenerator } from '../adapters/openrouter/image-generator.js';
import { createOpenRouterClient, type OpenRouterClient } from '../adapters/openrouter/client.js';
import type { OpenRouterConfigInput } from '../adapters/openrouter/config.js';
import type { UsageSink, PaidStage } from '../core/usage.js';
import type { VisionChecker } from '../ports/vision-checker.js';
import type { CallPricing } from '../ports/call-pricing.js';
import { createOpenRouterVisionChecker } from '../adapters/openrouter/vision-checker.js';
import { createRepairAllowance, type RepairAllowance } from '../adapters/openrouter/repair-allowance.js';
import { createOpenRouterCallPricing } from '../adapters/openrouter/call-pricing.js';
import { livePrices } from '../adapters/openrouter/live-prices.js';
import type { VectorStore } from '../ports/vector-store.js';
import { openLanceDbStore } from '../adapters/lancedb/index.js';
import { milvusConfigFromEnv, openMilvusStore } from '../adapters/milvus/index.js';
import { HitlineError } from '../core/errors.js';
import type { HitlineConfig, StageChoice, StoreChoice } from './config.js';
import type { Workspace } from '../pipeline/workspace.js';

export interface AdapterSettings {
  config: HitlineConfig;
  offline: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the cloud adapters report paid usage (the cost ledger). */
  onUsage?: UsageSink;
  /** Extra client settings (tests inject clocks; the batch engine adds shared-backoff hooks). */
  client?: OpenRouterConfigInput;
  /** `--model` for the generator. */
  generatorModel?: string;
  /** How many references the generator is given. */
  generatorReferences?: number;
  /** `--store` on the command line. */
  storeOverride?: StoreChoice;
}

type Stage = keyof HitlineConfig['stages'];

/** Which adapter a stage will use, and why; also what `doctor` reports. */
export function resolveStage(stage: Stage, s: AdapterSettings): 'local' | 'openrouter' {
  const choice: StageChoice = s.offline ? 'local' : s.config.stages[stage];
  const hasKey = Boolean((s.env ?? process.env).OPENROUTER_API_KEY);
  if (choice === 'local') return 'local';
  if (choice === 'openrouter' && !hasKey) {
    throw new HitlineError(`the config asks for OpenRouter for the ${stage}, but OPENROUTER_API_KEY is not set`, {
      hint: 'Set OPENROUTER_API_KEY, run with --offline, or set this stage to "local" or "auto" in config.json.',
    });
  }
  return hasKey ? 'openrouter' : 'local';
}

// One client per settings object, so every adapter of a command shares its retries and backoff state.
const clients = new WeakMap<AdapterSettings, OpenRouterClient>();
export function openRouterClient(s: AdapterSettings): OpenRouterClient {
  let c = clients.get(s);
  if (!c) {
    c = createOpenRouterClient({ ...s.config.openrouter, ...s.client }, s.env ?? process.env);
    clients.set(s, c);
  }
  return c;
}

// One repair allowance per settings object: the analyzer and the vision checks of a command share it, so a
// product makes at most one paid repair request in all.
const allowances = new WeakMap<AdapterSettings, RepairAllowance>();
function repairAllowance(s: AdapterSettings): RepairAllowance {
  let a = allowances.get(s);
  if (!a) {
    a = createRepairAllowance();
    allowances.set(s, a);
  }
  return a;
}

export function createEmbedder(s: AdapterSettings): Embedder {
  if (resolveStage('embedder', s) === 'local') return createLocalEmbedder({ threads: availableParallelism() });
  return createOpenRouterEmbedder({ client: openRouterClient(s), model: s.config.models.embedding, onUsage: s.onUsage });
}

export function createAnalyzer(s: AdapterSettings): StyleAnalyzer {
  if (resolveStage('analyzer', s) === 'local') return createLocalStyleAnalyzer();
  return createOpenRouterStyleAnalyzer({ client: openRouterClient(s), model: s.config.models.analyzer, onUsage: s.onUsage, repairs: repairAllowance(s) });
}

export function createGenerator(s: AdapterSettings): ImageGenerator {
  if (resolveStage('generator', s) === 'local') return createLocalCompositor();
  return createOpenRouterImageGenerator({
    client: openRouterClient(s), model: s.generatorModel ?? s.config.models.generator, maxReferences: s.generatorReferences, onUsage: s.onUsage,
  });
}

/** The embedded LanceDB folder in the workspace, or Milvus when `--store milvus` / config says so. */
export async function openStore(ws: Workspace, s: AdapterSettings, choice: StoreChoice = s.storeOverride ?? s.config.store): Promise<VectorStore> {
  if (choice === 'milvus') return openMilvusStore(milvusConfigFromEnv(s.env ?? process.env));
  return openLanceDbStore({ dir: ws.lanceDir });
}

/** The model each paid stage calls (a stage whose adapter is not paid is left out: it runs in the CPU lane). */
export function paidStageModels(adapters: { embedder: Embedder; analyzer: StyleAnalyzer; generator: ImageGenerator }): Partial<Record<PaidStage, string>> {
  const models: Partial<Record<PaidStage, string>> = {};
  if (adapters.embedder.paid) models.embed = adapters.embedder.model;
  if (adapters.analyzer.paid) models.analyze = adapters.analyzer.model;
  if (adapters.generator.paid) models.generate = adapters.generator.model;
  return models;
}

/**
 * For presets with a key: the Pro-model rung of the retry ladder when config names an escalation model and
 * the generator runs in the cloud, and a vision check of every preset image when the analyzer does.
 */
export function deliveryChecks(s: AdapterSettings): { escalationGenerator?: ImageGenerator; visionCheckerFor?: (productId: string) => VisionChecker } {
  const cloudGenerator = resolveStage('generator', s) === 'openrouter';
  const cloudAnalyzer = resolveStage('analyzer', s) === 'openrouter';
  const escalationModel = s.config.escalationModel;
  return {
    escalationGenerator: cloudGenerator && escalationModel
      ? createOpenRouterImageGenerator({ client: openRouterClient(s), model: escalationModel, onUsage: s.onUsage })
      : undefined,
    visionCheckerFor: cloudAnalyzer
      ? (productId: string) => createOpenRouterVisionChecker({ client: openRouterClient(s), onUsage: s.onUsage, productId, repairs: repairAllowance(s) })
      : undefined,
  };
}

/** The prices of the paid adapters' calls, for budgets and dry runs (the built-in 2026 table). */
export function createCallPricing(): CallPricing & { refresh(s: AdapterSettings): Promise<string> } {
  const pricing = createOpenRouterCallPricing();
  return Object.assign(pricing, {
    /** Token prices from GET /models (free); says where the prices came from. */
    async refresh(s: AdapterSettings): Promise<string> {
      const { prices, source } = await livePrices(createOpenRouterClient({ ...s.config.openrouter }, s.env ?? process.env));
      pricing.update(prices);
      return source;
    },
  });
}
