/**
 * hitline's command line. Each command's options are declared here; the work is in cli/commands/.
 * How a failure ends (message, hint, exit code) is cli/failure.ts; every line printed is terminal-safe.
 */
import { Command, Option } from 'commander';
import { DEFAULT_WORKSPACE } from '../pipeline/workspace.js';
import { DEFAULT_MATCH_SETTINGS } from '../pipeline/match.js';
import { terminalSafeLines } from '../util/terminal-text.js';
import { reportFailure } from './failure.js';
import { commandContext, type GlobalOptions } from './context.js';
import { aspectRatio, fusionMethod, legWeightFlag, nonNegativeNumber, positiveInt, sizeTier } from './parse-options.js';
import { LEG_NAMES } from '../search/fusion-settings.js';
import { demoCommand } from './commands/demo.js';
import { ingestCommand } from './commands/ingest.js';
import { matchCommand } from './commands/match.js';
import { runCommand } from './commands/run.js';
import { parseLimitSpec, type LimitSpec } from '../pipeline/batch/provider-limits.js';
import { searchCommand } from './commands/search.js';
import { doctorCommand } from './commands/doctor.js';
import { migrateCommand } from './commands/migrate.js';
import { presetsCommand } from './commands/presets.js';
import { serveCommand } from './commands/serve.js';
import { queueStatusCommand, workerCommand } from './commands/worker.js';
import { tenantsAdd, tenantsList, tenantsRevoke, tenantsRotate, tenantsSet } from './commands/tenants.js';

const DEMO_WORKSPACE = 'hitline-demo';

function addMatchOptions(cmd: Command): Command {
  const d = DEFAULT_MATCH_SETTINGS;
  return cmd
    .option('--top <n>', 'hit products kept per new product', positiveInt('--top', 100), d.top)
    .option('--per-leg <n>', 'hits asked of each search leg before fusion', positiveInt('--per-leg', 1000), d.perLeg)
    .option('--rrf-k <k>', 'Reciprocal Rank Fusion constant: score = sum of 1/(k + rank)', nonNegativeNumber('--rrf-k'), d.rrfK)
    .option('--min-sales <n>', 'only hits with sales_count above this count', nonNegativeNumber('--min-sales'), d.minSales);
}

/** How match fuses its legs; config.json's "match" sets the same, these override it. */
function addFusionOptions(cmd: Command): Command {
  return cmd
    .option('--fusion <method>', 'weighted-rrf (every leg with its weight) or rrf (dense and keyword, equal weights)', fusionMethod)
    .option('--weight <leg=value>', `a leg's fusion weight, 0 leaves it out (repeatable); legs: ${LEG_NAMES.join(', ')}; keyword may be "auto"`, legWeightFlag)
    .option('--expansion <n>', 'first dense hits whose shared description words re-rank the rest (the neighbours leg)', (v: string) => (v === '0' ? 0 : positiveInt('--expansion', 50)(v)))
    .option('--expansion-votes <n>', 'how many of those hits must share a word', positiveInt('--expansion-votes', 50));
}

/** For the commands that read a catalog. */
function withCatalogOptions(cmd: Command): Command {
  return cmd.option('--allow-symlinks-outside', 'follow symbolic links in the images folder that lead outside it (config: "catalog": { "allowSymlinksOutside": true })');
}

/** The context of a command that only reads the workspace (works on a read-only one). */
const readOnly = (cmd: Command): GlobalOptions => ({ ...(cmd.optsWithGlobals() as GlobalOptions), readOnly: true });

function globalOptions(cmd: Command): Command {
  return cmd
    .option('-w, --workspace <dir>', 'folder holding the store, caches and runs', DEFAULT_WORKSPACE)
    .option('--config <file>', 'settings file (default: <workspace>/config.json if present)')
    .option('--offline', 'use only the offline adapters, even when OPENROUTER_API_KEY is set')
    .addOption(new Option('--store <kind>', 'vector store: lancedb (a folder in the workspace) or milvus (MILVUS_ADDRESS...)').choices(['lancedb', 'milvus']))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'tty', 'json', 'quiet']).default('auto'));
}

/** Options of the tenant settings, shared by `tenants add` and `tenants set`. */
function tenantSettingOptions(cmd: Command): Command {
  return cmd
    .option('--monthly-budget <usd>', 'spend allowed per calendar month (UTC), in US dollars ("none" removes it)')
    .option('--default-preset <id>', 'a preset made when a run names none (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--webhook-url <url>', 'POST run.finished, run.stopped and product.failed events here (prints a new signing secret)');
}

function serverCommands(program: Command, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run hitline as an HTTP service: tenants, catalog, match, asynchronous runs, review and exports (API under /api, OpenAPI at /openapi.json)')
    .option('-w, --workspace <dir>', 'server workspace: tenants.json and one workspace per tenant under tenants/', DEFAULT_WORKSPACE)
    .option('--host <address>', 'address to listen on; without tenants only a loopback address is allowed', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', (v: string) => (v === '0' ? 0 : positiveInt('--port', 65_535)(v)), 8787)
    .option('--max-runs <n>', 'runs executing at once', positiveInt('--max-runs', 64), 1)
    .option('--rate-limit <n>', 'requests per second per API key (bursts of twice that)', positiveInt('--rate-limit', 100_000), 20)
    .option('--grace-seconds <n>', 'on SIGTERM, how long running runs get to finish their calls in flight', positiveInt('--grace-seconds', 3600), 30)
    .option('--cors-origin <origin>', 'allow browser calls from this origin (CORS is off by default)')
    .addOption(
      new Option('--limit <spec>', "cap every run's calls, as `hitline run --limit`: TARGET=INFLIGHT[,N/DURATION] (repeatable)")
        .argParser((v: string, all: LimitSpec[]) => [...all, parseLimitSpec(v)])
        .default([], 'OpenRouter 32 in flight, 600/min; 8 per model'),
    )
    .option('--offline', 'use only the offline adapters, even when OPENROUTER_API_KEY is set')
    .option('--queue <url>', 'runs are made by `hitline worker` processes through this queue (Redis URL; default: HITLINE_QUEUE)')
    .action(async (o) => setExit(await serveCommand(o, stdout, stderr)));

  const tenants = program.command('tenants').description("manage a server's tenants and their API keys (keys are printed once, stored hashed)");
  const ws = (cmd: Command) => cmd.option('-w, --workspace <dir>', 'server workspace (as given to hitline serve)', DEFAULT_WORKSPACE);
  tenantSettingOptions(ws(tenants.command('add')))
    .description('add a tenant; prints its API key as the last line of stdout')
    .argument('<id>', 'tenant id: 1-40 lowercase letters, digits and dashes')
    .action(async (id: string, o) => setExit(await tenantsAdd(o.workspace, id, o, stdout)));
  ws(tenants.command('list'))
    .description('list tenants, their settings and their keys (prefixes only)')
    .option('--json', 'print as JSON')
    .action(async (o) => setExit(await tenantsList(o.workspace, Boolean(o.json), stdout)));
  ws(tenants.command('rotate'))
    .description('make a new key for a tenant (printed as the last line); the old ones are revoked, or kept for --grace minutes')
    .argument('<id>')
    .option('--grace <minutes>', 'keep the old keys working this many minutes', nonNegativeNumber('--grace'), 0)
    .action(async (id: string, o) => setExit(await tenantsRotate(o.workspace, id, o.grace, stdout)));
  ws(tenants.command('revoke'))
    .description('revoke one key of a tenant, named by the prefix `tenants list` shows')
    .argument('<id>')
    .argument('<prefix>')
    .action(async (id: string, prefix: string, o) => setExit(await tenantsRevoke(o.workspace, id, prefix, stdout)));
  tenantSettingOptions(ws(tenants.command('set')))
    .description("change a tenant's settings")
    .argument('<id>')
    .option('--no-webhook', 'remove the webhook')
    .action(async (id: string, o) => setExit(await tenantsSet(o.workspace, id, o, stdout)));
}

export function buildProgram(stdout: NodeJS.WritableStream, setExit: (code: number) => void, stderr: NodeJS.WritableStream = process.stderr): Command {
  const program = new Command('hitline')
    .description(
      'Turn best-selling ("hit") product photos into promo images for new products:\n' +
        'hybrid search over your hits, a style brief of how they were shot, and new images in that style.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nStart with `hitline demo` (no key, no network). Docs: README.md.')
    // Set before any command is added, so every command inherits them: commander's own usage errors then reach
    // main() as a CommanderError (exit 2) instead of ending the process with 1, and an option name it echoes
    // back ("unknown option '--…'") is printed terminal-safe.
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(terminalSafeLines(s)), writeErr: (s) => stderr.write(terminalSafeLines(s)) });

  globalOptions(program.command('demo'))
    .description('draw a sample catalog and run the whole pipeline on it, offline (workspace defaults to ./hitline-demo)')
    .action(async (_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as GlobalOptions;
      if (cmd.getOptionValueSource('workspace') === 'default') opts.workspace = DEMO_WORKSPACE;
      setExit(await demoCommand(await commandContext(opts, stdout)));
    });

  withCatalogOptions(globalOptions(program.command('ingest')))
    .description('add or update hit products (products.csv + images) in the store')
    .requiredOption('--catalog <csv>', 'products.csv: product_id, image_path, category, color, style, season, sales_count, description, price')
    .requiredOption('--images <dir>', 'folder the image_path values are relative to')
    .option('--reindex', 'empty the store first and re-embed everything with the current embedder (to switch embedders)')
    .option('--json', 'print the ingest report as JSON')
    .action(async (o, cmd: Command) => setExit(await ingestCommand(o, await commandContext(cmd.optsWithGlobals(), stdout))));

  withCatalogOptions(addFusionOptions(addMatchOptions(globalOptions(program.command('match')))))
    .description('find the closest hit products for each new product (image, keyword and re-ranking legs, weighted RRF; see --fusion)')
    .requiredOption('--new <csv>', 'new_products.csv: new_id, image_path, category, style, season, prompt_hint')
    .requiredOption('--images <dir>', 'folder the image_path values are relative to')
    .option('--json', 'print each new product\'s ranked hits as JSON')
    .action(async (o, cmd: Command) => setExit(await matchCommand(o, await commandContext(readOnly(cmd), stdout))));

  withCatalogOptions(addMatchOptions(globalOptions(program.command('run'))))
    .description('match, analyze and generate promo images for every new product; writes a run folder with a report')
    .option('--new <csv>', 'new_products.csv: new_id, image_path, category, style, season, prompt_hint (required unless --resume)')
    .option('--images <dir>', 'folder the image_path values are relative to (required unless --resume)')
    .option('--aspect <ratio>', 'aspect ratio: 1:1 2:3 3:2 3:4 4:3 4:5 5:4 9:16 16:9 21:9 1:4 4:1 1:8 8:1', aspectRatio, '3:4')
    .option('--size <tier>', 'size tier: 0.5K 1K 2K 4K', sizeTier, '2K')
    .option('--variants <n>', 'images per product', positiveInt('--variants', 16), 1)
    .option('--references <n>', 'top hits passed to the generator as style references', positiveInt('--references', 13), 1)
    .option('--concurrency <n>', 'products worked on at once (default: enough to keep every cloud stage busy; 2 offline)', positiveInt('--concurrency', 256))
    .option('--budget <usd>', 'never start a paid call that could take the spend past this many US dollars; stop cleanly instead', nonNegativeNumber('--budget'))
    .addOption(
      new Option('--limit <spec>', 'cap calls: TARGET=INFLIGHT[,N/DURATION], TARGET is openrouter, embed, analyze, generate or a model id (repeatable)')
        .argParser((v: string, all: LimitSpec[]) => [...all, parseLimitSpec(v)])
        .default([], 'OpenRouter 32 in flight, 600/min; 8 per model; 2 and 20/min per :free model'),
    )
    .option('--dry-run', 'print the plan (products, stages, calls, estimated cost) and call nothing')
    .option('--resume <runId>', 'continue a stopped or crashed run in its folder, with the inputs and settings it was started with')
    .option('--model <id>', 'image model for the cloud generator: google/gemini-3.1-flash-image-preview (default), google/gemini-3-pro-image-preview, google/gemini-2.5-flash-image')
    .option('--preset <id>', 'also produce this marketplace preset for every product (repeatable; see `hitline presets`)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--staged', 'for presets: make the scene first, then composite the real product into it')
    .option('--presets-file <file>', 'preset overrides and additions (default: <workspace>/presets.json if present)')
    .option('--json', 'print summary.json to stdout instead of the human view')
    .option('--queue <url>', 'queue the products for `hitline worker` processes (Redis URL; default: HITLINE_QUEUE; without one the run stays in this process)')
    .action(async (o, cmd: Command) =>
      setExit(await runCommand(o, await commandContext(readOnly(cmd), stdout), (name) => cmd.getOptionValueSource(name) === 'cli')),
    );

  globalOptions(program.command('search'))
    .description('find catalog products by text (hybrid with a cloud embedder, keywords only offline)')
    .argument('<text>', 'what to look for, e.g. "red floral midi dress"')
    .option('--top <n>', 'results shown', positiveInt('--top', 1000), 10)
    .option('--per-leg <n>', 'hits asked of each search leg', positiveInt('--per-leg', 1000), 50)
    .option('--rrf-k <k>', 'Reciprocal Rank Fusion constant', nonNegativeNumber('--rrf-k'), DEFAULT_MATCH_SETTINGS.rrfK)
    .option('--category <name>', 'only this category (matched literally)')
    .option('--min-sales <n>', 'only products with sales_count above this', nonNegativeNumber('--min-sales'))
    .option('--json', 'print the results as JSON')
    .action(async (text: string, o, cmd: Command) => setExit(await searchCommand(text, o, await commandContext(readOnly(cmd), stdout))));

  globalOptions(program.command('migrate'))
    .description("copy the workspace's catalog, vectors included, into another store (no re-embedding) and verify the counts")
    .addOption(new Option('--to <kind>', 'target store').choices(['milvus', 'lancedb']).makeOptionMandatory())
    .addOption(new Option('--from <kind>', 'source store').choices(['lancedb', 'milvus']).default('lancedb'))
    .option('--batch <n>', 'rows per write', positiveInt('--batch', 100_000), 1000)
    .action(async (o, cmd: Command) => setExit(await migrateCommand(o, await commandContext(cmd.optsWithGlobals(), stdout))));

  globalOptions(program.command('presets'))
    .description('list the marketplace presets (sizes, formats, rules), with your overrides from presets.json applied')
    .option('--presets-file <file>', 'preset overrides and additions (default: <workspace>/presets.json if present)')
    .option('--json', 'print the presets as JSON')
    .action(async (o, cmd: Command) => setExit(await presetsCommand(o, await commandContext(readOnly(cmd), stdout))));

  serverCommands(program, stdout, stderr, setExit);

  globalOptions(program.command('doctor'))
    .description('check the OpenRouter key and models, the adapters each stage will use, and the store')
    .option('--json', 'print the checks as JSON')
    .option('--queue <url>', 'also check this queue (default: HITLINE_QUEUE)')
    .action(async (o, cmd: Command) => setExit(await doctorCommand(await commandContext(readOnly(cmd), stdout), o.json, o.queue)));

  program
    .command('worker')
    .description('take product jobs of queued runs (hitline run/serve --queue) until SIGTERM; run one or more on any machine')
    .option('--queue <url>', 'Redis URL of the queue (default: HITLINE_QUEUE)')
    .option('--concurrency <n>', 'products worked on at once by this worker', positiveInt('--concurrency', 256), 8)
    .option('--lock-seconds <n>', "how long a job stays this worker's without a sign of life: a killed worker's jobs go to another after this", positiveInt('--lock-seconds', 600), 30)
    .action(async (o) => setExit(await workerCommand(o)));

  program
    .command('queue')
    .description("the queue's state")
    .command('status')
    .description('workers connected and jobs waiting, active, failed')
    .option('--queue <url>', 'Redis URL of the queue (default: HITLINE_QUEUE)')
    .option('--json', 'print as JSON')
    .action(async (o) => setExit(await queueStatusCommand(o, stdout)));

  return program;
}

export async function main(argv: string[], stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(stdout, (code) => (exitCode = code), stderr);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportFailure(err, stderr);
  }
}
