/**
 * What every entry point (the CLI, and the server and workers after it) needs before it can wire adapters:
 * the workspace, its config, the cost ledger, the environment and the global choices.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureWorkspace, workspaceAt, type Workspace } from '../pipeline/workspace.js';
import { openCostLedger, type CostLedger } from '../pipeline/cost-ledger.js';
import { loadConfig, type HitlineConfig, type StoreChoice } from './config.js';
import type { AdapterSettings } from './adapters.js';

export interface HitlineContext {
  ws: Workspace;
  config: HitlineConfig;
  offline: boolean;
  ledger: CostLedger;
  env: NodeJS.ProcessEnv;
  /** `--model`: the cloud generator's model. */
  generatorModel?: string;
  /** `--store`. */
  storeOverride?: StoreChoice;
}

export interface ContextOptions {
  workspace: string;
  config?: string;
  offline?: boolean;
  model?: string;
  store?: StoreChoice;
}

export async function openHitlineContext(opts: ContextOptions, env: NodeJS.ProcessEnv = process.env): Promise<HitlineContext> {
  const ws = workspaceAt(opts.workspace);
  await ensureWorkspace(ws);
  const config = opts.config ? await loadConfig(path.resolve(opts.config), true) : await loadConfig(ws.configFile);
  return {
    ws, config, env,
    offline: opts.offline ?? false,
    ledger: openCostLedger(ws.ledgerFile),
    generatorModel: opts.model,
    storeOverride: opts.store,
  };
}

/** Adapter settings whose paid calls are recorded in the ledger under `runId`. */
export function adapterSettings(ctx: HitlineContext, runId: string, extra: Partial<AdapterSettings> = {}): AdapterSettings {
  return {
    config: ctx.config, offline: ctx.offline, env: ctx.env, onUsage: ctx.ledger.sink({ runId }),
    generatorModel: ctx.generatorModel, storeOverride: ctx.storeOverride, ...extra,
  };
}

/** The seller's preset overrides: the file given, else `<workspace>/presets.json` when there is one. */
export function presetsFileFor(ws: Workspace, given?: string): string | undefined {
  if (given) return path.resolve(given);
  const inWorkspace = path.join(ws.root, 'presets.json');
  return existsSync(inWorkspace) ? inWorkspace : undefined;
}
