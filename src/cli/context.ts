/** What every command needs: the workspace, its config, progress output, the cost ledger and adapter settings. */
import path from 'node:path';
import { createProgress, type ProgressSink } from '../util/progress.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../pipeline/workspace.js';
import { loadConfig, type HitlineConfig, type StoreChoice } from '../compose/config.js';
import type { AdapterSettings } from '../compose/adapters.js';
import { openCostLedger, type CostLedger } from '../pipeline/cost-ledger.js';

export interface GlobalOptions {
  workspace: string;
  config?: string;
  offline?: boolean;
  progress?: 'auto' | 'tty' | 'json' | 'quiet';
  model?: string;
  store?: StoreChoice;
}

export interface CommandContext {
  ws: Workspace;
  config: HitlineConfig;
  progress: ProgressSink;
  offline: boolean;
  ledger: CostLedger;
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  generatorModel?: string;
  storeOverride?: StoreChoice;
}

export async function commandContext(opts: GlobalOptions, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  const ws = workspaceAt(opts.workspace);
  await ensureWorkspace(ws);
  const config = opts.config ? await loadConfig(path.resolve(opts.config), true) : await loadConfig(ws.configFile);
  return {
    ws, config, stdout, env,
    // Progress goes to stderr, so stdout stays clean for --json.
    progress: createProgress(process.stderr, opts.progress ?? 'auto'),
    offline: opts.offline ?? false,
    ledger: openCostLedger(ws.ledgerFile),
    generatorModel: opts.model,
    storeOverride: opts.store,
  };
}

/** Adapter settings whose paid calls are recorded in the ledger under `runId`. */
export function adapterSettings(ctx: CommandContext, runId: string, extra: Partial<AdapterSettings> = {}): AdapterSettings {
  return {
    config: ctx.config, offline: ctx.offline, env: ctx.env, onUsage: ctx.ledger.sink({ runId }),
    generatorModel: ctx.generatorModel, storeOverride: ctx.storeOverride, ...extra,
  };
}
