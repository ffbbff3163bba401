/**
 * The built-in presets: the starting table of ../shared/reference/marketplaces.md, written in the same
 * shape a seller's config file uses (PresetSpec), so built-ins and overrides go through one schema.
 */
import type { PresetSpec } from './preset.js';

const AMAZON = 'Amazon seller help (2026): main image on RGB 255,255,255, product ≥85% of the frame, JPEG preferred, about 10 MB';
const SECONDARY = 'secondary source, verify before relying on exact numbers';

export const BUILTIN_PRESET_SPECS: Readonly<Record<string, PresetSpec>> = {
  'amazon-main': {
    label: 'Amazon main image: real product photo on exact white',
    width: 2000, height: 2000, format: 'jpeg', quality: 92, maxFileMB: 10,
    background: 'exact-white', minFill: 0.85, text: 'none', source: 'cutout', notes: AMAZON,
  },
  'amazon-secondary': {
    label: 'Amazon secondary (lifestyle) image',
    width: 2000, height: 2000, format: 'jpeg', quality: 90, maxFileMB: 10,
    background: 'any', text: 'allowed', source: 'generated',
    notes: 'Amazon allows AI lifestyle images if the product is accurate; realistic AI people are tagged contains-synthetic-performer',
  },
  'independent-3x4': {
    label: 'Independent shop / Google Merchant Center, 3:4 portrait',
    width: 1536, height: 2048, format: 'jpeg', quality: 90, maxFileMB: 16,
    background: 'any', text: 'allowed', source: 'generated',
    notes: 'Google Merchant Center: ≥500×500, ≤64 MP and 16 MB; keep IPTC DigitalSourceType',
  },
  'shopify-square': {
    label: 'Shopify product image, square',
    width: 2048, height: 2048, format: 'jpeg', quality: 90, maxFileMB: 20,
    background: 'any', text: 'allowed', source: 'generated', notes: `Shopify: 2048×2048 recommended, 20 MB (${SECONDARY})`,
  },
  'tiktok-main': {
    label: 'TikTok Shop main image: real product photo on white',
    width: 1080, height: 1080, format: 'jpeg', quality: 92, maxFileMB: 5,
    background: 'exact-white', minFill: 0.85, text: 'none', source: 'cutout', notes: `TikTok Shop: square on white, JPG/PNG, 5 MB (${SECONDARY})`,
  },
  'tiktok-feed': {
    label: 'TikTok Shop feed, 3:4 portrait',
    width: 1080, height: 1440, format: 'jpeg', quality: 90, maxFileMB: 5,
    background: 'any', text: 'allowed', source: 'generated', notes: `TikTok feed surfaces favour 3:4 and 9:16 (${SECONDARY})`,
  },
  'etsy-listing': {
    label: 'Etsy listing photo, 5:4 (keep the product centred: thumbnails crop)',
    width: 2000, height: 1600, format: 'jpeg', quality: 90, maxFileMB: 10,
    background: 'any', text: 'sparingly', source: 'generated', notes: `Etsy: about 2000 px, 10 MB; thumbnails crop to 5:4, 4:3 or 1:1 (${SECONDARY})`,
  },
  'thumb-512': {
    label: 'Marketplace thumbnail 512 px (Shopee, AliExpress)',
    width: 512, height: 512, format: 'jpeg', quality: 90, maxFileMB: 2, sizeTier: '0.5K',
    background: 'any', text: 'none', source: 'generated', notes: "The seed's own usage for Shopee and AliExpress thumbnails; exact official limits not confirmed",
  },
  'banner-4x1': {
    label: 'Store banner 4:1',
    width: 3200, height: 800, format: 'jpeg', quality: 90, maxFileMB: 10,
    background: 'any', text: 'allowed', source: 'generated', notes: '4:1 is a Nano Banana 2 only ratio; other models are asked for the nearest and the image is fitted',
  },
  'banner-8x1': {
    label: 'Store banner 8:1',
    width: 4096, height: 512, format: 'jpeg', quality: 90, maxFileMB: 10,
    background: 'any', text: 'allowed', source: 'generated', notes: '8:1 is a Nano Banana 2 only ratio; other models are asked for the nearest and the image is fitted',
  },
  'live-1x4': {
    label: 'Live-stream background 1:4 (tall)',
    width: 1080, height: 4320, format: 'jpeg', quality: 90, maxFileMB: 10,
    background: 'any', text: 'allowed', source: 'generated', notes: "The seed's live-stream background; 1:4 is a Nano Banana 2 only ratio",
  },
};
