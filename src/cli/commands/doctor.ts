import { doctorChecks } from '../../compose/doctor.js';
import { queueUrlFrom } from '../../compose/queue/index.js';
import type { CommandContext } from '../context.js';

/** Checks the key, the configured models and the store, and says plainly what is wrong. */
export async function doctorCommand(ctx: CommandContext, json = false, queue?: string): Promise<number> {
  const checks = await doctorChecks(ctx, { queueUrl: queueUrlFrom(queue, ctx.env) });
  if (json) {
    ctx.printJson({ ok: checks.every((c) => c.ok), checks });
  } else {
    const lines = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}${c.hint && !c.ok ? `\n    → ${c.hint}` : ''}`);
    lines.push('', checks.every((c) => c.ok) ? 'Everything looks ready.' : `${checks.filter((c) => !c.ok).length} problem(s) found.`);
    ctx.print(lines.join('\n') + '\n');
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
