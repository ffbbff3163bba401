/**
 * What a queued product job carries from the process that started the run to a worker, and what comes
 * back. Everything a worker needs to make the product exactly as `hitline run` would: the run's settings
 * and config, where the catalog store and the shared storage are, the budget accounts, and the product
 * with its photo in the shared storage. Never a secret: each worker reads its own OPENROUTER_API_KEY.
 */
import { createHash } from 'node:crypto';
import type { HitlineConfig, StoreChoice } from '../config.js';
import type { FleetAccount } from '../../ports/fleet.js';
import type { LimitSpec } from '../../pipeline/batch/provider-limits.js';
import type { RunRequest } from '../../pipeline/batch/run-request.js';
import type { NewProduct } from '../../core/product.js';
import type { ProductSummary } from '../../core/run-summary.js';
import { HitlineError } from '../../core/errors.js';

export const PRODUCT_JOB_VERSION = 1;

/** What is the same for every product of a run session. */
export interface RunJobBase {
  version: typeof PRODUCT_JOB_VERSION;
  /** The run, across the fleet (a hash of the workspace and the run id). */
  runKey: string;
  runId: string;
  /** A resumed run gets a new session; workers drop jobs of an older one. */
  session: string;
  /** The run's workspace as the starting process sees it (the LanceDB folder is in it). */
  workspace: string;
  /** The workspace's fleet id (<workspace>/fleet-id): a worker that cannot read the same one does not share the folder. */
  workspaceId: string;
  store: StoreChoice;
  /** BlobStorage id (e.g. folder:/path, s3:bucket/prefix): a worker must see the same storage. */
  storageId: string;
  config: HitlineConfig;
  offline: boolean;
  request: RunRequest;
  limits: LimitSpec[];
  /** The run's budget account first, then the tenant's month when it has a budget. */
  accounts: FleetAccount[];
}

export interface ProductJobData extends RunJobBase {
  product: NewProduct;
  /** Row of new_products.csv, for messages. */
  row: number;
  /** The photo in the shared storage, by content hash, and its file name (for its extension). */
  image: { key: string; hash: string; name: string };
}

export interface ProductJobResult {
  summary: ProductSummary;
  stage: string;
  imageHash?: string;
  /** Files the product made, relative to the run folder, each with its key in the shared storage. */
  files: Array<{ path: string; key: string }>;
}

/** Job ids: stable per run session and product, so adding the same product twice is one job. */
export function productJobId(base: Pick<RunJobBase, 'runKey' | 'session'>, productId: string): string {
  return `p-${createHash('sha256').update(`${base.runKey}\0${base.session}\0${productId}`).digest('hex').slice(0, 40)}`;
}

export function runKeyOf(workspaceRoot: string, runId: string): string {
  return createHash('sha256').update(`${workspaceRoot}\0${runId}`).digest('hex').slice(0, 24);
}

export function checkJobData(data: Record<string, unknown>): ProductJobData {
  if (data.version !== PRODUCT_JOB_VERSION) {
    throw new HitlineError(`a queued job was made by another version of hitline (job version ${String(data.version)}, this worker reads ${PRODUCT_JOB_VERSION})`, {
      hint: 'Run the same hitline version on every worker and on the machine that starts runs.',
    });
  }
  return data as unknown as ProductJobData;
}
