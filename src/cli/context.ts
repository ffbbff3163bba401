/** What every command needs: the shared context (compose/context.ts) plus where its output goes. */
import { createProgress, type ProgressMode, type ProgressSink } from '../util/progress.js';
import { jsonText, terminalSafeLines } from '../util/terminal-text.js';
import { openHitlineContext, type ContextOptions, type HitlineContext } from '../compose/context.js';

export { adapterSettings } from '../compose/context.js';

export interface GlobalOptions extends ContextOptions {
  progress?: ProgressMode;
}

export interface CommandContext extends HitlineContext {
  progress: ProgressSink;
  stdout: NodeJS.WritableStream;
  /** Human-readable output on stdout. Catalog text can carry escape sequences: it is made terminal-safe here. */
  print(text: string): void;
  /** `--json` output on stdout: the exact JSON value, with the characters a terminal would act on \u-escaped. */
  printJson(value: unknown): void;
  /** A human-readable note on stderr (stdout stays clean for --json), terminal-safe. */
  printErr(text: string): void;
}

export async function commandContext(opts: GlobalOptions, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  return {
    ...(await openHitlineContext(opts, env)),
    stdout,
    print: (text) => stdout.write(terminalSafeLines(text)),
    printJson: (value) => stdout.write(`${jsonText(value, 2)}\n`),
    printErr: (text) => process.stderr.write(terminalSafeLines(text)),
    // Progress goes to stderr, so stdout stays clean for --json.
    progress: createProgress(process.stderr, opts.progress ?? 'auto'),
  };
}
