/**
 * What a run says when it stops before every product is done, and its exit code:
 * 0 everything done; 1 some product failed or some row could not be read; 3 stopped with work left
 * (budget reached, no credits, key rejected); 130 interrupted (Ctrl-C), as shells report SIGINT.
 */
import { usd } from './budget.js';

export interface StoppedRun {
  runId: string;
  totals: { products: number; done: number; failed: number; pending: number };
  stop?: { reason: string; message: string };
  budget?: { limitUsd: number; spentUsd: number };
  inputProblems: readonly unknown[];
}

export const EXIT_FAILED = 1;
export const EXIT_STOPPED = 3;
export const EXIT_INTERRUPTED = 130;

export function runExitCode(run: StoppedRun): number {
  if (run.stop?.reason === 'interrupted' && run.totals.pending > 0) return EXIT_INTERRUPTED;
  if (run.stop && run.totals.pending > 0) return EXIT_STOPPED;
  return run.totals.failed > 0 || run.inputProblems.length > 0 ? EXIT_FAILED : 0;
}

/** A copy-pasteable command that continues the run. */
export function resumeCommand(runId: string, workspace: string, extra = ''): string {
  return `hitline run --resume ${runId} --workspace ${shellQuote(workspace)}${extra}`;
}

/** Lines saying why the run stopped, what was done, what remains and how to go on; none when it finished. */
export function describeStop(run: StoppedRun, workspace: string): string[] {
  if (!run.stop || run.totals.pending === 0) return [];
  const t = run.totals;
  const tally = `${t.done} of ${t.products} product(s) done, ${t.pending} not done${t.failed ? `, ${t.failed} failed` : ''}`;
  switch (run.stop.reason) {
    case 'budget': {
      const limit = run.budget ? usd(run.budget.limitUsd) : 'the budget';
      return [
        `Budget of ${limit} reached: ${tally}; spent ${usd(run.budget?.spentUsd ?? 0)}. No paid call was started that could have passed the budget.`,
        `(${run.stop.message})`,
        `Continue with a larger budget: ${resumeCommand(run.runId, workspace, ' --budget <USD>')}`,
      ];
    }
    case 'interrupted':
      return [
        `Interrupted: ${tally}. Every result that arrived is stored and will not be paid for again.`,
        `Resume with: ${resumeCommand(run.runId, workspace)}`,
      ];
    default:
      return [`Stopped: ${run.stop.message}. ${tally}.`, `Once that is fixed, resume with: ${resumeCommand(run.runId, workspace)}`];
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
