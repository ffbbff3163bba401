/**
 * Catalog imports: an uploaded products.csv with its images goes into the tenant's store through exactly
 * the CLI's ingest (bad rows reported with row and column, good rows stored, unchanged images never
 * embedded twice). An import runs in the background, one at a time per tenant together with the tenant's
 * other catalog writes (deletes); its state is `uploads/<id>/import.json`, so a server that was stopped or
 * killed mid-import starts it again (ingest is idempotent: what was stored is not embedded again).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { HitlineError } from '../../core/errors.js';
import { openStore } from '../../compose/adapters.js';
import { adapterSettings, catalogImageStorage } from '../../compose/context.js';
import { ingestCatalog, type IngestReport } from '../../pipeline/ingest.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { ProgressSink } from '../../util/progress.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { notFound } from '../errors.js';
import type { TenantContext } from '../tenants/tenant-contexts.js';
import { clientProblem, readUpload, uploadsDir, type UploadRecord } from '../uploads/uploads.js';
import type { Logger } from '../log.js';

export type ImportState = 'queued' | 'running' | 'finished' | 'failed';

export interface ImportStatus {
  id: string;
  state: ImportState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  actor: string;
  csvName: string;
  progress: { done: number; total: number };
  report?: Omit<IngestReport, 'problems'> & { problems: UploadRecord['problems'] };
  error?: { message: string; hint?: string };
}

const IMPORT_FILE = 'import.json';

export class CatalogImports {
  /** A tenant's catalog writes (imports, deletes) one at a time. */
  readonly writes = new KeyedMutex();
  private readonly progress = new Map<string, { done: number; total: number }>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  async start(tenant: TenantContext, upload: UploadRecord & { dir: string }): Promise<ImportStatus> {
    const status: ImportStatus = {
      id: upload.id, state: 'queued', createdAt: new Date().toISOString(), actor: upload.actor, csvName: upload.csvName,
      progress: { done: 0, total: upload.ids.length },
    };
    await save(upload.dir, status);
    this.launch(tenant, upload, status);
    return status;
  }

  async status(tenant: TenantContext, uploadId: string): Promise<ImportStatus> {
    const upload = await readUpload(tenant.hitline.ws, uploadId);
    let status: ImportStatus;
    try {
      status = JSON.parse(await readFile(path.join(upload.dir, IMPORT_FILE), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw notFound(`catalog import ${uploadId}`);
    }
    const live = this.progress.get(`${tenant.id}/${uploadId}`);
    return live && status.state === 'running' ? { ...status, progress: { ...live } } : status;
  }

  /** Starts again the tenant's imports that a stop or a crash left queued or running. */
  async recover(tenant: TenantContext): Promise<number> {
    const dir = uploadsDir(tenant.hitline.ws);
    const names = await readdir(dir).catch(() => [] as string[]);
    let restarted = 0;
    for (const name of names) {
      let status: ImportStatus;
      try {
        status = JSON.parse(await readFile(path.join(dir, name, IMPORT_FILE), 'utf8'));
      } catch {
        continue;
      }
      if (status.state !== 'queued' && status.state !== 'running') continue;
      this.launch(tenant, await readUpload(tenant.hitline.ws, name), { ...status, state: 'queued' });
      restarted += 1;
    }
    return restarted;
  }

  /** Waits for the imports in flight (shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private launch(tenant: TenantContext, upload: UploadRecord & { dir: string }, status: ImportStatus): void {
    const job = this.writes.run(tenant.id, () => this.ingest(tenant, upload, status)).catch((e: unknown) => {
      this.logger.log('error', 'catalog import failed', { tenant: tenant.id, upload: upload.id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    });
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  private async ingest(tenant: TenantContext, upload: UploadRecord & { dir: string }, status: ImportStatus): Promise<void> {
    const key = `${tenant.id}/${upload.id}`;
    const progress: ProgressSink = {
      start: (_stage, total) => this.progress.set(key, { done: 0, total: total ?? upload.ids.length }),
      update: (e) => this.progress.set(key, { done: e.done, total: e.total ?? upload.ids.length }),
      finish() {},
      note() {},
    };
    Object.assign(status, { state: 'running', startedAt: new Date().toISOString() });
    await save(upload.dir, status);
    const runId = `import-${upload.id}`;
    const store = await openStore(tenant.hitline.ws, adapterSettings(tenant.hitline, runId));
    try {
      const report = await tenant.withEmbedder(runId, (embedder) =>
        ingestCatalog({ catalogCsv: path.join(upload.dir, upload.csvFile), imagesDir: path.join(upload.dir, upload.imagesDir), store, embedder, progress, shareImagesTo: catalogImageStorage(tenant.hitline) }),
      );
      Object.assign(status, {
        state: 'finished', finishedAt: new Date().toISOString(), progress: { done: report.rowsRead - report.problems.length, total: report.rowsRead },
        report: { ...report, problems: report.problems.map((p) => clientProblem(p, upload.dir, upload.csvName)) },
      });
    } catch (e) {
      Object.assign(status, {
        state: 'failed', finishedAt: new Date().toISOString(),
        error: { message: e instanceof HitlineError ? e.message : 'the import failed unexpectedly', hint: e instanceof HitlineError ? e.hint : 'See the server log.' },
      });
      if (!(e instanceof HitlineError)) throw e;
    } finally {
      this.progress.delete(key);
      await store.close();
      await tenant.hitline.ledger.flush();
      await save(upload.dir, status);
    }
  }
}

function save(dir: string, status: ImportStatus): Promise<void> {
  return writeFileAtomic(path.join(dir, IMPORT_FILE), JSON.stringify(status, null, 2));
}
