import { existsSync } from 'node:fs';
import path from 'node:path';
import { listPresets, loadPresets } from '../../presets/index.js';
import type { CommandContext } from '../context.js';

/** The seller's preset file: `--presets-file`, else `<workspace>/presets.json` when it exists. */
export function presetsFileFor(ctx: CommandContext, flags: { presetsFile?: string }): string | undefined {
  if (flags.presetsFile) return path.resolve(flags.presetsFile);
  const inWorkspace = path.join(ctx.ws.root, 'presets.json');
  return existsSync(inWorkspace) ? inWorkspace : undefined;
}

/** Lists the marketplace presets: the built-ins with the seller's overrides and additions applied. */
export async function presetsCommand(flags: { presetsFile?: string; json?: boolean }, ctx: CommandContext): Promise<number> {
  const presets = await loadPresets({ configFile: presetsFileFor(ctx, flags) });
  ctx.stdout.write(flags.json ? JSON.stringify(presets, null, 2) + '\n' : listPresets(presets, { notes: true }) + '\n');
  return 0;
}
