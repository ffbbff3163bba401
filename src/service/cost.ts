/** Spend from a tenant's cost ledger: per run, this calendar month (UTC) and all time. */
import { summarizeCosts, type CostLedger, type CostLedgerEntry, type CostSummary, type CostTotals } from '../pipeline/cost-ledger.js';

export interface TenantCosts {
  month: string;
  thisMonth: CostTotals;
  allTime: CostTotals;
  byRun: Record<string, CostTotals>;
  /** Ledger lines that could not be read (a torn last line after a crash). */
  unreadableLines: number;
}

function monthOf(time: string | Date): string {
  return (typeof time === 'string' ? time : time.toISOString()).slice(0, 7);
}

export async function tenantCosts(ledger: CostLedger, now = new Date()): Promise<TenantCosts> {
  await ledger.flush();
  const { entries, skipped } = await ledger.read();
  const month = monthOf(now);
  const perRun = new Map<string, CostLedgerEntry[]>();
  for (const e of entries) {
    const list = perRun.get(e.runId);
    if (list) list.push(e);
    else perRun.set(e.runId, [e]);
  }
  const byRun: Record<string, CostTotals> = {};
  for (const [runId, list] of perRun) byRun[runId] = summarizeCosts(list).total;
  return {
    month,
    thisMonth: summarizeCosts(entries.filter((e) => monthOf(e.time) === month)).total,
    allTime: summarizeCosts(entries).total,
    byRun,
    unreadableLines: skipped.length,
  };
}

export async function runCosts(ledger: CostLedger, runId: string): Promise<CostSummary> {
  await ledger.flush();
  const { entries } = await ledger.read();
  return summarizeCosts(entries.filter((e) => e.runId === runId));
}

/**
 * The budget a run may use now: its own budget, capped by what is left of the tenant's monthly budget (plus
 * what the run itself has already spent, which the engine counts against its limit on a resume).
 */
export async function effectiveRunBudget(ledger: CostLedger, runId: string, runBudgetUsd: number | undefined, monthlyBudgetUsd: number | undefined, now = new Date()): Promise<number | undefined> {
  if (monthlyBudgetUsd === undefined) return runBudgetUsd;
  const costs = await tenantCosts(ledger, now);
  const leftThisMonth = Math.max(0, monthlyBudgetUsd - costs.thisMonth.cost);
  const allowed = leftThisMonth + (costs.byRun[runId]?.cost ?? 0);
  return runBudgetUsd === undefined ? allowed : Math.min(runBudgetUsd, allowed);
}

/**
 * The tenant's month as a budget account shared by every worker of a fleet: all the tenant's runs draw on
 * it at once, so together they stay within the monthly budget (the ledger's spend this month to start).
 */
export async function tenantMonthAccount(ledger: CostLedger, tenantId: string, monthlyBudgetUsd: number, now = new Date()): Promise<{ key: string; limitUsd: number; spentUsd: number }> {
  const costs = await tenantCosts(ledger, now);
  return { key: `tenant:${tenantId}:${costs.month}`, limitUsd: monthlyBudgetUsd, spentUsd: costs.thisMonth.cost };
}
