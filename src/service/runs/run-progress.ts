/**
 * Per product, per stage progress of a run, folded from its events (events.jsonl): what the status
 * endpoint and the web app show while a run works, and what a status rebuilt after a restart shows.
 */
import type { RunEvent } from './run-events.js';

const PROGRESS_STAGES = ['match', 'analyze', 'generate', 'presets'] as const;
export type ProgressStage = (typeof PROGRESS_STAGES)[number];
export type StageState = 'waiting' | 'working' | 'done' | 'cached' | 'failed';
export type ProductState = 'waiting' | 'working' | 'done' | 'failed' | 'pending';

export interface ProductProgress {
  productId: string;
  state: ProductState;
  /** The stage it is in (working) or stopped in (failed, pending). */
  stage?: ProgressStage;
  /** `presets` only when the run makes presets. */
  stages: Partial<Record<ProgressStage, StageState>>;
  /** Attempts repeated after a failure another attempt could fix. */
  retries: number;
  error?: string;
}

export class RunProgress {
  private readonly products = new Map<string, ProductProgress>();

  constructor(productIds: readonly string[], private readonly withPresets: boolean) {
    for (const id of productIds) this.products.set(id, fresh(id, withPresets));
  }

  apply(e: RunEvent): void {
    if (e.type === 'run-start' && e.resumed) this.restart();
    if (!('productId' in e) || e.type === 'output-regenerated') return;
    const p = this.products.get(e.productId);
    if (!p) return;
    switch (e.type) {
      case 'stage-start':
        Object.assign(p, { state: 'working', stage: e.stage });
        p.stages[e.stage] = 'working';
        break;
      case 'stage-done':
        p.stages[e.stage] = e.cached ? 'cached' : 'done';
        if (e.stage === 'generate' && this.withPresets) {
          p.stage = 'presets';
          p.stages.presets = 'working';
        }
        break;
      case 'stage-retry':
        p.retries += 1;
        break;
      case 'product-done':
        for (const s of PROGRESS_STAGES) if (s in p.stages) p.stages[s] = e.reused ? 'cached' : p.stages[s] === 'working' ? 'done' : p.stages[s];
        Object.assign(p, { state: 'done', stage: undefined, error: undefined });
        break;
      case 'product-failed':
        if (p.stage) p.stages[p.stage] = 'failed';
        Object.assign(p, { state: 'failed', error: e.error });
        break;
      case 'product-pending':
        if (p.stage && p.stages[p.stage] === 'working') p.stages[p.stage] = 'waiting';
        Object.assign(p, { state: 'pending', error: e.reason });
        break;
    }
  }

  /** A new session of the run (a resume): products not done are worked on again. */
  private restart(): void {
    for (const [id, p] of this.products) if (p.state !== 'done') this.products.set(id, fresh(id, this.withPresets));
  }

  snapshot(): ProductProgress[] {
    return [...this.products.values()].map((p) => ({ ...p, stages: { ...p.stages } }));
  }
}

function fresh(productId: string, withPresets: boolean): ProductProgress {
  return { productId, state: 'waiting', stages: { match: 'waiting', analyze: 'waiting', generate: 'waiting', ...(withPresets ? { presets: 'waiting' as const } : {}) }, retries: 0 };
}
