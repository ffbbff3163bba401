/**
 * Provenance metadata, read back with a real reader (Debian's exiftool): IPTC DigitalSourceType in XMP on every
 * format hitline writes, and Amazon's contains-synthetic-performer keyword when a generated person may be shown.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGITAL_SOURCE_TYPES, SYNTHETIC_PERFORMER_TAG, buildXmpPacket, mayShowSyntheticPerson } from '../../../src/presets/delivery/ai-metadata.js';
import { encodeForPreset } from '../../../src/presets/delivery/encode-for-preset.js';
import { checkEncodedFile } from '../../../src/presets/delivery/quality-checks.js';
import { HAS_EXIFTOOL, exiftool } from './preset-fixtures.js';

const title = HAS_EXIFTOOL ? 'metadata read back by exiftool' : 'metadata read back by exiftool (SKIPPED: exiftool not installed; apt-get install libimage-exiftool-perl)';
if (!HAS_EXIFTOOL) console.warn(`test/presets/delivery/ai-metadata: ${title}`);

const image = { data: new Uint8Array(64 * 48 * 3).fill(180), width: 64, height: 48 };

describe.skipIf(!HAS_EXIFTOOL)(title, () => {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    it(`${format}: DigitalSourceType, the synthetic-performer keyword, creator tool and an sRGB profile`, async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-xmp-'));
      const file = path.join(dir, `out.${format}`);
      const xmp = buildXmpPacket({ sourceType: 'trainedAlgorithmicMedia', syntheticPerformer: true, keywords: ['dress & <co>'] });
      await writeFile(file, (await encodeForPreset(image, { format, quality: 90, maxFileBytes: 10_000_000 }, { xmp })).bytes);
      const tags = exiftool(file, ['XMP-iptcExt:DigitalSourceType', 'XMP-dc:Subject', 'XMP-xmp:CreatorTool', 'ICC_Profile:ColorSpaceData', 'ICC_Profile:ProfileDescription']);
      expect(tags).toMatchObject({
        DigitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
        Subject: [SYNTHETIC_PERFORMER_TAG, 'dress & <co>'],
        CreatorTool: 'hitline',
        ColorSpaceData: 'RGB ',
        ProfileDescription: 'sRGB',
      });
    });
  }

  it('composites carry compositeSynthetic and no performer tag; main images algorithmicallyEnhanced', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-xmp-'));
    for (const sourceType of ['compositeSynthetic', 'algorithmicallyEnhanced', 'compositeWithTrainedAlgorithmicMedia'] as const) {
      const file = path.join(dir, `${sourceType}.jpg`);
      await writeFile(file, (await encodeForPreset(image, { format: 'jpeg', quality: 90, maxFileBytes: 10_000_000 }, { xmp: buildXmpPacket({ sourceType, syntheticPerformer: false }) })).bytes);
      const tags = exiftool(file, ['XMP-iptcExt:DigitalSourceType', 'XMP-dc:Subject']) as Record<string, unknown>;
      expect(tags.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPES[sourceType]);
      expect(tags.Subject).toBeUndefined();
    }
  });
});

describe('metadata check and tagging rule', () => {
  it('the metadata check fails on a file without DigitalSourceType', async () => {
    const bare = (await encodeForPreset(image, { format: 'jpeg', quality: 90, maxFileBytes: 10_000_000 })).bytes;
    const checks = await checkEncodedFile(bare, { width: 64, height: 48, format: 'jpeg', maxFileBytes: 10_000_000 }, { sourceType: 'compositeSynthetic', syntheticPerformer: false });
    const metadata = checks.find((c) => c.check === 'metadata');
    expect(metadata?.passed).toBe(false);
    expect(metadata?.detail).toMatch(/no IPTC DigitalSourceType/);
    expect(checks.filter((c) => c.check !== 'metadata').every((c) => c.passed)).toBe(true);
  });

  it('tags a synthetic performer only for generative-model images whose brief asks for a person', () => {
    expect(mayShowSyntheticPerson('trainedAlgorithmicMedia', ['model wearing the dress, walking'])).toBe(true);
    expect(mayShowSyntheticPerson('trainedAlgorithmicMedia', ['模特穿着连衣裙'])).toBe(true);
    expect(mayShowSyntheticPerson('trainedAlgorithmicMedia', ['flat lay on linen, top-down'])).toBe(false);
    expect(mayShowSyntheticPerson('compositeSynthetic', ['model wearing the dress'])).toBe(false);
  });
});
