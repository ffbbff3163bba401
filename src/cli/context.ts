/** What every command needs: the shared context (compose/context.ts) plus where its output goes. */
import { createProgress, type ProgressMode, type ProgressSink } from '../util/progress.js';
import { openHitlineContext, type ContextOptions, type HitlineContext } from '../compose/context.js';

export { adapterSettings } from '../compose/context.js';

export interface GlobalOptions extends ContextOptions {
  progress?: ProgressMode;
}

export interface CommandContext extends HitlineContext {
  progress: ProgressSink;
  stdout: NodeJS.WritableStream;
}

export async function commandContext(opts: GlobalOptions, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  return {
    ...(await openHitlineContext(opts, env)),
    stdout,
    // Progress goes to stderr, so stdout stays clean for --json.
    progress: createProgress(process.stderr, opts.progress ?? 'auto'),
  };
}
