import { openStore } from '../../compose/adapters.js';
import type { StoreChoice } from '../../compose/config.js';
import { migrateStore } from '../../pipeline/migrate.js';
import { newRunId } from '../../pipeline/workspace.js';
import { UserInputError } from '../../core/errors.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface MigrateFlags {
  to: StoreChoice;
  from: StoreChoice;
  batch: number;
}

/** Copies every row, vectors included, from one store to another and verifies the counts. */
export async function migrateCommand(flags: MigrateFlags, ctx: CommandContext): Promise<number> {
  if (flags.to === flags.from) throw new UserInputError(`--from and --to are both ${flags.to}: nothing to migrate`);
  const settings = adapterSettings(ctx, `migrate-${newRunId()}`);
  const from = await openStore(ctx.ws, settings, flags.from);
  const to = await openStore(ctx.ws, settings, flags.to);
  try {
    ctx.progress.start('migrate', await countRows(from));
    const result = await migrateStore({
      from, to, batchSize: flags.batch,
      onProgress: (p) => ctx.progress.update({ stage: 'migrate', done: p.done, total: p.total }),
    });
    ctx.progress.finish('migrate');
    ctx.print(
      `Copied ${result.copied} product(s) from ${from.kind} to ${to.kind} without re-embedding (${result.embedder.embedderId}, ` +
        `${result.embedder.dimension}-d). Counts verified: source ${result.sourceCount}, target ${result.targetCount}.\n` +
        `Use it with --store ${flags.to} (or "store": "${flags.to}" in config.json).\n`,
    );
    return 0;
  } finally {
    await from.close();
    await to.close();
  }
}

async function countRows(store: Awaited<ReturnType<typeof openStore>>): Promise<number> {
  const recorded = await store.recordedEmbedder();
  if (!recorded) throw new UserInputError(`the ${store.kind} store to migrate from is empty`, { hint: 'Run `hitline ingest` first, or check --workspace.' });
  await store.open(recorded);
  return store.count();
}
