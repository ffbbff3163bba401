/** What the batch engine reports as it goes: the progress display and JSON lines are drawn from these. */

export const BATCH_STAGES = ['match', 'analyze', 'generate'] as const;
export type BatchStage = (typeof BATCH_STAGES)[number];

export type BatchEvent =
  | { type: 'run-start'; runId: string; products: number; reused: number; resumed: boolean }
  | { type: 'stage-start'; stage: BatchStage; productId: string }
  | { type: 'stage-done'; stage: BatchStage; productId: string; seconds: number; cached: boolean }
  | { type: 'stage-retry'; stage: BatchStage; productId: string; attempt: number; error: string }
  | { type: 'product-done'; productId: string; seconds: number; images: number; reused: boolean }
  | { type: 'product-failed'; productId: string; stage: string; error: string }
  | { type: 'product-pending'; productId: string; reason: string }
  | { type: 'stopping'; reason: string; message: string }
  | { type: 'note'; message: string }
  | { type: 'run-end'; done: number; failed: number; pending: number; seconds: number; spentUsd: number };

export type BatchEventSink = (event: BatchEvent) => void;

export const ignoreBatchEvents: BatchEventSink = () => {};
