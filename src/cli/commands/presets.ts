import { presetsFileFor } from '../../compose/context.js';
import { listPresets, loadPresets } from '../../presets/index.js';
import type { CommandContext } from '../context.js';

/** Lists the marketplace presets: the built-ins with the seller's overrides and additions applied. */
export async function presetsCommand(flags: { presetsFile?: string; json?: boolean }, ctx: CommandContext): Promise<number> {
  const presets = await loadPresets({ configFile: presetsFileFor(ctx.ws, flags.presetsFile) });
  if (flags.json) ctx.printJson(presets);
  else ctx.print(listPresets(presets, { notes: true }) + '\n');
  return 0;
}
