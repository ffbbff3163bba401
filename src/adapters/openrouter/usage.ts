/** An OpenRouter answer's `usage` block as a UsageReport (core/usage.ts) for the cost ledger. */
import type { UsageAnswerInfo } from './client.js';
import type { WireUsage } from './wire.js';
import type { PaidStage, UsageReport } from '../../core/usage.js';

export type { PaidStage, UsageReport, UsageSink } from '../../core/usage.js';

export function toUsageReport(
  base: { stage: PaidStage; model: string; productId?: string; note?: string },
  usage: WireUsage,
  answer: UsageAnswerInfo,
): UsageReport {
  const report: UsageReport = {
    stage: base.stage,
    model: base.model,
    promptTokens: finiteOr0(usage.prompt_tokens),
    completionTokens: finiteOr0(usage.completion_tokens),
  };
  if (base.productId !== undefined) report.productId = base.productId;
  if (typeof usage.cost === 'number' && Number.isFinite(usage.cost)) report.cost = usage.cost;
  if (answer.generationId) report.generationId = answer.generationId;
  if (base.note) report.note = base.note;
  return report;
}

function finiteOr0(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}
