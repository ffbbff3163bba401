/**
 * What `hitline run` records in a run's manifest so that `--resume <runId>` can repeat it: the input files
 * (absolute paths) and every setting that decides the results. On resume these come from the record; a
 * flag given again must agree with it (so appending `--resume <runId>` to the original command works),
 * and only the budget, the limits and the concurrency may change.
 */
import path from 'node:path';
import type { AspectRatio, SizeTier } from '../../core/output-sizes.js';
import { UserInputError } from '../../core/errors.js';

export interface RunRequest {
  new: string;
  images: string;
  aspect: AspectRatio;
  size: SizeTier;
  variants: number;
  references: number;
  top: number;
  perLeg: number;
  rrfK: number;
  minSales: number;
  /** `--model` (the generator's), when given. */
  model?: string;
  /** `--preset`, `--staged`, `--presets-file`: marketplace presets made for every product. */
  preset?: string[];
  staged?: boolean;
  presetsFile?: string;
  budget?: number;
}

const FIXED: ReadonlyArray<keyof RunRequest> = ['new', 'images', 'aspect', 'size', 'variants', 'references', 'top', 'perLeg', 'rrfK', 'minSales', 'model', 'preset', 'staged', 'presetsFile'];
const FLAG_NAMES: Partial<Record<keyof RunRequest, string>> = { perLeg: '--per-leg', rrfK: '--rrf-k', minSales: '--min-sales', presetsFile: '--presets-file' };
const PATHS: ReadonlyArray<keyof RunRequest> = ['new', 'images', 'presetsFile'];

/** A run id names a folder under runs/: it must be one plain path segment. */
export function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runId)) {
    throw new UserInputError(`--resume "${runId}" is not a run id`, {
      hint: 'A run id is the name of a folder under <workspace>/runs/, e.g. 20261121-073012-3fa9; it is printed when a run starts and stops.',
    });
  }
  return runId;
}

export function requestOf(flags: Omit<RunRequest, 'new' | 'images'> & { new: string; images: string }): RunRequest {
  const r: RunRequest = {
    new: path.resolve(flags.new), images: path.resolve(flags.images), aspect: flags.aspect, size: flags.size, variants: flags.variants,
    references: flags.references, top: flags.top, perLeg: flags.perLeg, rrfK: flags.rrfK, minSales: flags.minSales,
  };
  if (flags.model !== undefined) r.model = flags.model;
  if (flags.preset?.length) r.preset = [...flags.preset];
  if (flags.staged) r.staged = true;
  if (flags.presetsFile !== undefined) r.presetsFile = path.resolve(flags.presetsFile);
  if (flags.budget !== undefined) r.budget = flags.budget;
  return r;
}

/**
 * The settings a resumed run uses: the recorded ones, with `--budget` replaced when given. A recorded
 * setting given again with another value is an error naming the flag.
 */
export function resumedRequest(recorded: RunRequest, given: Partial<RunRequest>, runId: string): RunRequest {
  for (const key of FIXED) {
    const value = given[key];
    if (value === undefined) continue;
    const same = PATHS.includes(key)
      ? path.resolve(String(value)) === recorded[key]
      : JSON.stringify(value) === JSON.stringify(recorded[key] ?? (key === 'preset' ? [] : key === 'staged' ? false : undefined));
    if (!same) {
      const flag = FLAG_NAMES[key] ?? `--${key}`;
      throw new UserInputError(`run ${runId} was started with ${flag} ${JSON.stringify(recorded[key] ?? null)}; --resume cannot change it to ${JSON.stringify(value)}`, {
        hint: `Leave ${flag} out to continue the run as it was started, or start a new run without --resume (stored results are reused either way).`,
      });
    }
  }
  return { ...recorded, ...(given.budget !== undefined ? { budget: given.budget } : {}) };
}
