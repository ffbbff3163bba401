/** The batch bench's results file: sections kept from earlier runs, the raw numbers beside it; and the command and load it quotes. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Writes the results, keeping the sections of an earlier run that this run did not measure (so one
 * section can be measured again alone); the raw numbers go to the .json beside it the same way.
 */
export function writeResults(out: string, report: string[], raw: Record<string, unknown>): void {
  mkdirSync(path.dirname(out), { recursive: true });
  const sections = new Map<string, string>();
  const split = (text: string) => {
    for (const part of text.split(/^(?=## \d+\. )/m)) if (part.startsWith('## ')) sections.set(part.slice(3, part.indexOf('.')), part.trimEnd());
  };
  if (existsSync(out)) split(readFileSync(out, 'utf8'));
  split(report.join('\n'));
  const header = [
    '# Batch engine benchmark',
    '',
    `Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      'The machine is shared with other work (load averages are given with each measurement): wall times and rows/s are pessimistic; ' +
      "CPU times and memory are the process's own. A section can be measured again alone (`--products 0` skips 1 and 2, `--ingest-rows 0` and " +
      '`--shape-rows 0` skip 3 and 4); the others are kept from the earlier run.',
    '',
  ];
  const body = [...sections.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, text]) => text);
  writeFileSync(out, [...header, body.join('\n\n'), ''].join('\n'));
  const json = out.replace(/\.md$/, '.json');
  const earlier = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(json, JSON.stringify(thinSamples({ ...earlier, ...raw }), null, 1) + '\n');
}

/** Memory samples (one a second) are thinned to at most 300 evenly spaced ones per measurement, last one kept. */
function thinSamples(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const samples = (value as { samples?: unknown[] } | null)?.samples;
    if (!Array.isArray(samples) || samples.length <= 300) {
      out[key] = value;
      continue;
    }
    const step = samples.length / 299;
    const kept = Array.from({ length: 299 }, (_, i) => samples[Math.floor(i * step)]).concat([samples[samples.length - 1]]);
    out[key] = { ...(value as object), samples: kept, samplesTaken: samples.length };
  }
  return out;
}

export function commandLine(): string {
  return `node --import tsx bench/batch.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
}

export function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(1)).join(' / ');
}
