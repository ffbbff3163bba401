/**
 * Fabric patterns as SVG <pattern> tiles in the product's own coordinates, so they scale with the product.
 * Patterns that are drawn as parts instead (a chest print, a second tone) return nothing here.
 */
import type { PatternKind } from '../vocabulary.js';
import { contrastTone, darken, lighten, luminance } from './color.js';

export function patternDef(kind: PatternKind, id: string, base: string): string | undefined {
  const motif = contrastTone(base);
  const dark = darken(base, 0.3);
  const light = lighten(base, 0.25);
  const tile = (w: number, h: number, body: string) =>
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${w}" height="${h}">${body}</pattern>`;
  switch (kind) {
    case 'floral': {
      const flower = (x: number, y: number, r: number) => {
        const petals = [0, 72, 144, 216, 288]
          .map((a) => {
            const rad = (a * Math.PI) / 180;
            return `<circle cx="${(x + Math.cos(rad) * r * 1.15).toFixed(1)}" cy="${(y + Math.sin(rad) * r * 1.15).toFixed(1)}" r="${r}" fill="${motif}"/>`;
          })
          .join('');
        const leaf = `<ellipse cx="${x + r * 2.6}" cy="${y + r * 1.2}" rx="${r * 1.3}" ry="${r * 0.55}" transform="rotate(30 ${x + r * 2.6} ${y + r * 1.2})" fill="${luminance(base) > 0.5 ? '#5f7d4e' : '#9fbf8a'}" opacity="0.85"/>`;
        return `${leaf}${petals}<circle cx="${x}" cy="${y}" r="${r * 0.7}" fill="${luminance(base) > 0.6 ? '#c9a227' : '#f1cf4b'}"/>`;
      };
      return tile(72, 72, `${flower(18, 18, 6)}${flower(54, 52, 5)}<circle cx="52" cy="14" r="2.5" fill="${motif}"/><circle cx="14" cy="56" r="2.5" fill="${motif}"/>`);
    }
    case 'dots':
      return tile(36, 36, `<circle cx="9" cy="9" r="5.5" fill="${motif}"/><circle cx="27" cy="27" r="5.5" fill="${motif}"/>`);
    case 'stripes':
      return tile(40, 40, `<rect x="0" y="0" width="40" height="14" fill="${motif}"/>`);
    case 'gingham':
      return tile(
        32,
        32,
        `<rect x="0" y="0" width="16" height="32" fill="${motif}" opacity="0.45"/>` +
          `<rect x="0" y="0" width="32" height="16" fill="${motif}" opacity="0.45"/>`,
      );
    case 'cable':
      return tile(
        44,
        48,
        `<path d="M12 0 C24 12 24 12 12 24 C0 36 0 36 12 48" fill="none" stroke="${dark}" stroke-width="3.5" opacity="0.6"/>` +
          `<path d="M12 0 C0 12 0 12 12 24 C24 36 24 36 12 48" fill="none" stroke="${light}" stroke-width="2.5" opacity="0.55"/>` +
          `<path d="M32 0 V48 M38 0 V48" stroke="${dark}" stroke-width="2" opacity="0.4"/>`,
      );
    case 'rib':
      return tile(
        12,
        20,
        `<path d="M3 0 V20" stroke="${dark}" stroke-width="2.5" opacity="0.4"/><path d="M8 0 V20" stroke="${light}" stroke-width="1.5" opacity="0.5"/>`,
      );
    case 'quilted':
      return tile(
        44,
        44,
        `<path d="M0 0 L44 44 M44 0 L0 44" stroke="${dark}" stroke-width="2.2" opacity="0.55"/>` +
          `<path d="M2 0 L44 42 M42 0 L0 42" stroke="${light}" stroke-width="1.2" opacity="0.5"/>`,
      );
    case 'solid':
    case 'print':
    case 'two_tone':
      return undefined;
  }
}

/** A stitch texture every knit gets under its pattern (small V stitches). */
export function knitStitchDef(id: string, base: string): string {
  const dark = darken(base, 0.22);
  return (
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="10" height="10">` +
    `<path d="M1 2 L5 8 L9 2" fill="none" stroke="${dark}" stroke-width="1.4" opacity="0.45"/></pattern>`
  );
}
