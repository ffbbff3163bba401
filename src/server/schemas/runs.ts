/** Runs: the create body, the dry-run plan, status with per-product per-stage progress, events. */
import { z } from '@hono/zod-openapi';
import { ASPECT_RATIOS, SIZE_TIERS } from '../../core/output-sizes.js';
import { RowProblem } from './common.js';

export const RunBody = z
  .object({
    newProducts: z.string().openapi({ description: 'The id of an upload made with POST /api/new-products.', example: 'u-20261204-101500-1a2b3c4d' }),
    presets: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/)).max(20).optional().openapi({ description: 'Marketplace presets made for every product (GET /api/presets); default: the tenant\'s default presets.', example: ['amazon-main', 'tiktok-feed'] }),
    model: z.string().regex(/^[a-z0-9-]+\/[a-z0-9._:-]+$/).optional().openapi({ description: 'Image model for the cloud generator.', example: 'google/gemini-3.1-flash-image-preview' }),
    variants: z.number().int().min(1).max(8).default(1),
    aspect: z.enum(ASPECT_RATIOS).default('3:4'),
    size: z.enum(SIZE_TIERS).default('2K'),
    references: z.number().int().min(1).max(13).default(1),
    top: z.number().int().min(1).max(20).default(3),
    minSales: z.number().min(0).default(1500),
    staged: z.boolean().default(false),
    budgetUsd: z.number().min(0).optional().openapi({ description: 'Never start a paid call that could take this run past this many USD (capped by the tenant\'s monthly budget).' }),
  })
  .strict()
  .openapi('RunRequest');

export const StagePlan = z.object({ calls: z.number().int(), reused: z.number().int(), model: z.string(), estimatedUsd: z.number().optional(), worstUsd: z.number().optional() });

export const RunPlan = z
  .object({
    products: z.number().int(),
    inputProblems: z.array(RowProblem),
    stages: z.object({ embed: StagePlan, analyze: StagePlan, generate: StagePlan }),
    estimatedUsd: z.number().optional(),
    worstUsd: z.number().optional(),
    unknownPrices: z.array(z.string()),
    budgetUsd: z.number().optional(),
    productsWithinBudget: z.number().int().optional(),
  })
  .openapi('RunPlan');

const StageState = z.enum(['waiting', 'working', 'done', 'cached', 'failed']);

export const ProductProgress = z
  .object({
    productId: z.string(),
    state: z.enum(['waiting', 'working', 'done', 'failed', 'pending']),
    stage: z.enum(['match', 'analyze', 'generate', 'presets']).optional(),
    stages: z.object({ match: StageState.optional(), analyze: StageState.optional(), generate: StageState.optional(), presets: StageState.optional() }),
    retries: z.number().int(),
    error: z.string().optional(),
  })
  .openapi('ProductProgress');

const RunRequestEcho = z.object({
  newProducts: z.string(), presets: z.array(z.string()), model: z.string().optional(), variants: z.number(), aspect: z.string(), size: z.string(),
  references: z.number(), top: z.number(), minSales: z.number(), staged: z.boolean(), budgetUsd: z.number().optional(),
});

export const RunStatus = z
  .object({
    runId: z.string(),
    createdAt: z.string(),
    actor: z.string().openapi({ description: 'The key prefix that created the run.' }),
    status: z.enum(['queued', 'running', 'cancelling', 'stopped', 'cancelled', 'finished', 'failed', 'interrupted']).openapi({
      description: 'stopped: the budget, credits or key stopped it (see stop); interrupted: its process died, it resumes when the server starts (or POST resume).',
    }),
    request: RunRequestEcho,
    stop: z.object({ reason: z.string(), message: z.string(), at: z.string().optional() }).optional(),
    failure: z.object({ message: z.string(), hint: z.string().optional(), at: z.string() }).optional(),
    cancel: z.object({ actor: z.string(), at: z.string() }).optional(),
    totals: z.object({ products: z.number().int(), waiting: z.number().int(), working: z.number().int(), done: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
    spentUsd: z.number(),
    budgetUsd: z.number().optional(),
    sessions: z.number().int(),
    products: z.array(ProductProgress).optional(),
  })
  .openapi('RunStatus');

export const RunList = z.object({ runs: z.array(RunStatus) }).openapi('RunList');

export const ResumeBody = z.object({ budgetUsd: z.number().min(0).optional() }).strict();

export const RunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(40).optional().openapi({ description: 'Only runs older than this run id (the next page).' }),
});

export const DryRunQuery = z.object({ dryRun: z.enum(['true', 'false']).optional().openapi({ description: 'true: answer the plan and estimated cost; nothing is queued or paid.' }) });

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'The same key with the same body returns the same run for 24 h; with another body: 409.' }),
});
