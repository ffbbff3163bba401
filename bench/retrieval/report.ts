/** Markdown helpers for bench/results/retrieval-quality.md. */
import type { RetrievalScores } from './metrics.js';

export const f3 = (x: number) => x.toFixed(3).replace(/^0\./, '.');

export function scoreCells(s: RetrievalScores): string[] {
  return [f3(s.p1), f3(s.p5), f3(s.map10)];
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
