/**
 * What every entry point (the CLI, and the server and workers after it) needs before it can wire adapters:
 * the workspace, its config, the cost ledger, the environment and the global choices.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkWorkspaceFolder, ensureWorkspace, workspaceAt, type Workspace } from '../pipeline/workspace.js';
import { openCostLedger, type CostLedger } from '../pipeline/cost-ledger.js';
import { loadConfig, type HitlineConfig, type StoreChoice } from './config.js';
import { DEFAULT_FUSION, withFusionOverrides, type FusionOverrides, type FusionSettings } from '../search/fusion-settings.js';
import type { AdapterSettings } from './adapters.js';
import type { CatalogReadOptions } from '../catalog/read-catalog.js';
import type { BlobStorage } from '../ports/blob-storage.js';
import { FolderStorage } from '../adapters/storage/index.js';
import { createBlobStorage, storageSettingsFromEnv } from './storage.js';

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
  /** Where stage results and embeddings are kept (and, for a fleet, product inputs and outputs): the workspace's cache folder. */
  storage: BlobStorage;
}

export interface ContextOptions {
  workspace: string;
  config?: string;
  offline?: boolean;
  model?: string;
  store?: StoreChoice;
  /**
   * The command only reads the workspace (match, search, presets, doctor, run until it knows it is not a dry
   * run): nothing is created, so it works on a read-only workspace. Otherwise the workspace is created and
   * checked writable up front.
   */
  readOnly?: boolean;
  /** `--allow-symlinks-outside`: overrides the config's catalog.allowSymlinksOutside. */
  allowSymlinksOutside?: boolean;
}

export async function openHitlineContext(opts: ContextOptions, env: NodeJS.ProcessEnv = process.env): Promise<HitlineContext> {
  const ws = workspaceAt(opts.workspace);
  await (opts.readOnly ? checkWorkspaceFolder(ws) : ensureWorkspace(ws));
  const config = opts.config ? await loadConfig(path.resolve(opts.config), true) : await loadConfig(ws.configFile);
  if (opts.allowSymlinksOutside) config.catalog = { ...config.catalog, allowSymlinksOutside: true };
  let storage: BlobStorage | undefined;
  return {
    ws, config, env,
    offline: opts.offline ?? false,
    ledger: openCostLedger(ws.ledgerFile),
    generatorModel: opts.model,
    storeOverride: opts.store,
    // Made when first used: a bad storage setting is then an error of the command that needs the storage,
    // and `doctor` can still report it as a failed check.
    get storage() {
      storage ??= runStorage(ws, config, env);
      return storage;
    },
  };
}

/**
 * Where a workspace's stage results, embeddings and (for a queue) product inputs and outputs live: the
 * storage the HITLINE_STORAGE* / HITLINE_S3_* variables or config.json's "storage" name; with none of them
 * the workspace's cache folder, where earlier runs stored their results (so they are still reused).
 */
export function runStorage(ws: Workspace, config: HitlineConfig, env: NodeJS.ProcessEnv): BlobStorage {
  return storageChosen(config, env) ? createBlobStorage(storageSettingsFromEnv(env, ws.root, config.storage)) : new FolderStorage(ws.cacheDir);
}

/** Whether a storage was named (variables or config.json) rather than the workspace's cache folder by default. */
export function storageChosen(config: HitlineConfig, env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HITLINE_STORAGE?.trim() || env.HITLINE_STORAGE_DIR?.trim() || config.storage);
}

/** The storage ingest copies catalog photos into: a named one (shared by workers), never the default cache folder. */
export function catalogImageStorage(ctx: HitlineContext): BlobStorage | undefined {
  return storageChosen(ctx.config, ctx.env) ? ctx.storage : undefined;
}

/** Adapter settings whose paid calls are recorded in the ledger under `runId`. */
export function adapterSettings(ctx: HitlineContext, runId: string, extra: Partial<AdapterSettings> = {}): AdapterSettings {
  return {
    config: ctx.config, offline: ctx.offline, env: ctx.env, onUsage: ctx.ledger.sink({ runId }),
    generatorModel: ctx.generatorModel, storeOverride: ctx.storeOverride, ...extra,
  };
}

/** How the seller's catalogs are read (config.json's "catalog" and the flags that override it). */
export function catalogOptions(ctx: HitlineContext): CatalogReadOptions {
  return { allowSymlinksOutside: ctx.config.catalog?.allowSymlinksOutside ?? false };
}

/** How `match` fuses its legs: the defaults, then config.json's "match", then the flags given. */
export function fusionSettings(ctx: HitlineContext, flags?: FusionOverrides): FusionSettings {
  const m = ctx.config.match;
  return withFusionOverrides(DEFAULT_FUSION, m && { method: m.fusion, weights: m.weights, expansion: m.expansion }, flags);
}

/** The seller's preset overrides: the file given, else `<workspace>/presets.json` when there is one. */
export function presetsFileFor(ws: Workspace, given?: string): string | undefined {
  if (given) return path.resolve(given);
  const inWorkspace = path.join(ws.root, 'presets.json');
  return existsSync(inWorkspace) ? inWorkspace : undefined;
}
