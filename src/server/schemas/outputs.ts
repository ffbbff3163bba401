/** Outputs, review actions, exports and cost. */
import { z } from '@hono/zod-openapi';
import { CostTotals } from './common.js';

export const QualityCheck = z.object({
  check: z.string(),
  passed: z.boolean(),
  value: z.union([z.number(), z.string()]).nullable(),
  threshold: z.union([z.number(), z.string()]).nullable(),
  detail: z.string(),
});

export const ReviewState = z.object({ state: z.enum(['pending', 'approved', 'rejected']), reason: z.string().optional(), actor: z.string().optional(), at: z.string().optional() });

export const Output = z
  .object({
    id: z.string(),
    productId: z.string(),
    preset: z.string().openapi({ description: 'The preset id, or "promo" for the run\'s own images.' }),
    variant: z.number().int(),
    file: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    checks: z.array(QualityCheck).nullable().openapi({ description: 'null: a promo image, not checked against a preset\'s rules.' }),
    checkStatus: z.enum(['passed', 'failed-review', 'unchecked']),
    aiMetadata: z.string().nullable().openapi({ description: 'The IPTC DigitalSourceType written into the file.' }),
    bytes: z.number().int().nullable(),
    warnings: z.array(z.string()),
    review: ReviewState,
    regeneratedFrom: z.string().optional(),
    costShareUsd: z.number().openapi({ description: "The product's cost divided over its outputs." }),
    url: z.string(),
  })
  .openapi('Output');

const Brief = z.object({
  scene: z.string(), background: z.string(), lighting: z.string(), colorTone: z.string(), palette: z.array(z.string()), composition: z.string(),
  pose: z.string(), mood: z.string(), props: z.array(z.string()), negatives: z.array(z.string()), prompt: z.string(),
});

export const RunProduct = z
  .object({
    productId: z.string(),
    status: z.enum(['done', 'failed', 'pending']),
    error: z.string().optional(),
    brief: Brief.optional(),
    prompt: z.string().optional(),
    hits: z.array(z.object({ rank: z.number().int(), productId: z.string(), score: z.number(), denseRank: z.number().int().nullable(), keywordRank: z.number().int().nullable(), category: z.string(), salesCount: z.number(), description: z.string() })),
    warnings: z.array(z.string()),
    cost: z.object({ usd: z.number(), calls: z.number().int() }),
    photoUrl: z.string(),
    outputs: z.array(Output),
  })
  .openapi('RunProduct');

export const RunProducts = z.object({ runId: z.string(), products: z.array(RunProduct) }).openapi('RunProducts');

export const OutputIdParam = z.object({
  runId: z.string().openapi({ param: { name: 'runId', in: 'path' } }),
  outputId: z.string().openapi({ param: { name: 'outputId', in: 'path' } }),
});

export const RejectBody = z.object({ reason: z.string().min(1).max(1000).openapi({ example: 'label shows through' }) }).strict();
export const RegenerateBody = z.object({ escalate: z.boolean().default(false).openapi({ description: 'Use the escalation model (config escalationModel) instead of the run\'s generator.' }) }).strict();

export const ReviewEntry = z.object({
  time: z.string(), actor: z.string(), action: z.enum(['approve', 'reject', 'regenerate', 'regenerated', 'regenerate-failed']), outputId: z.string(),
  reason: z.string().optional(), bulk: z.boolean().optional(), escalate: z.boolean().optional(), replaces: z.string().optional(),
});
export const ReviewLog = z.object({ runId: z.string(), entries: z.array(ReviewEntry) }).openapi('ReviewLog');
export const BulkApproved = z.object({ approved: z.array(z.string()) });
export const Accepted = z.object({ accepted: z.literal(true), message: z.string() });

export const ExportParams = z.object({
  runId: z.string().openapi({ param: { name: 'runId', in: 'path' } }),
  preset: z.string().openapi({ param: { name: 'preset', in: 'path' }, example: 'amazon-main', description: 'A preset id, or "promo".' }),
});
export const ExportQuery = z.object({
  include: z.enum(['approved', 'all']).default('approved'),
  layout: z.enum(['folders', 'flat']).default('folders'),
});

export const RunCost = z
  .object({ runId: z.string(), total: CostTotals, byStage: z.record(z.string(), CostTotals), byProduct: z.record(z.string(), CostTotals), byModel: z.record(z.string(), CostTotals) })
  .openapi('RunCost');

export const TenantCost = z
  .object({ month: z.string(), thisMonth: CostTotals, allTime: CostTotals, byRun: z.record(z.string(), CostTotals), monthlyBudgetUsd: z.number().optional(), unreadableLines: z.number().int() })
  .openapi('TenantCost');

export const TenantInfo = z
  .object({
    id: z.string(),
    keyPrefix: z.string(),
    settings: z.object({ monthlyBudgetUsd: z.number().optional(), defaultPresets: z.array(z.string()).optional(), webhook: z.object({ url: z.string() }).optional() }),
  })
  .openapi('Tenant');

export const WebhookBody = z.object({ url: z.url({ protocol: /^https?$/ }).openapi({ example: 'https://shop.example/hooks/hitline' }) }).strict();
export const WebhookCreated = z.object({ url: z.string(), secret: z.string().openapi({ description: 'Shown once: keep it to verify the hitline-signature header.' }) });
