/** The text `hitline presets` prints: one aligned row per preset, then where the numbers come from. */
import { MB, type Preset } from './preset.js';

export function listPresets(presets: readonly Preset[], options: { notes?: boolean } = {}): string {
  const header = ['id', 'size', 'ratio', 'format', 'max file', 'background', 'text', 'made by'];
  const rows = presets.map((p) => [
    p.id,
    `${p.width}×${p.height}`,
    p.aspect,
    p.format === 'png' ? 'PNG' : `${p.format.toUpperCase()} q${p.quality}`,
    `${formatMB(p.maxFileBytes)} MB`,
    p.background === 'exact-white' ? `exact white, ≥${Math.round(p.minFill * 100)}% fill` : 'any',
    p.text,
    p.source === 'cutout' ? 'real photo cut-out' : `generated${p.sizeTier ? ` (${p.sizeTier})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  const changed = presets.filter((p) => p.origin !== 'built-in');
  if (changed.length > 0) out.push('', `from ${[...new Set(changed.map((p) => p.origin))].join(', ')}: ${changed.map((p) => p.id).join(', ')}`);
  if (options.notes) {
    out.push('');
    for (const p of presets) out.push(`${p.id}: ${p.label}${p.notes ? `. ${p.notes}` : ''}`);
  }
  return out.join('\n');
}

function formatMB(bytes: number): string {
  const mb = bytes / MB;
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(2).replace(/0+$/, '');
}
