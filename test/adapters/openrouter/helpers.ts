/** Shared setup for the OpenRouter tests: a client wired to the fake with instant, recorded sleeps. */
import sharp from 'sharp';
import type { NewProduct } from '../../../src/core/product.js';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { createOpenRouterClient, type OpenRouterClient } from '../../../src/adapters/openrouter/client.js';
import type { OpenRouterConfigInput } from '../../../src/adapters/openrouter/config.js';
import type { OpenRouterFake } from '../../fakes/openrouter-fake.js';

/** Looks like a real key; every test checks it never leaks. */
export const TEST_KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';

export interface TestClient {
  client: OpenRouterClient;
  /** Every wait the client asked for, in ms. */
  sleeps: number[];
  logLines: string[];
}

export function testClient(fake: OpenRouterFake, overrides: OpenRouterConfigInput = {}): TestClient {
  const sleeps: number[] = [];
  const logLines: string[] = [];
  const client = createOpenRouterClient(
    {
      apiKey: TEST_KEY,
      baseUrl: fake.baseUrl,
      timeoutMs: 5_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      log: (line) => logLines.push(line),
      ...overrides,
    },
    {},
  );
  return { client, sleeps, logLines };
}

/** A solid-colour image of the given size (JPEG unless png is asked). */
export function solidImage(width: number, height: number, colour: { r: number; g: number; b: number }, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: colour } });
  return (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toBuffer();
}

/** The bytes behind a data URI. */
export function dataUriBytes(url: string): { mime: string; bytes: Buffer } {
  const m = /^data:([^;]+);base64,(.*)$/s.exec(url);
  if (!m) throw new Error(`not a base64 data URI: ${url.slice(0, 40)}`);
  return { mime: m[1], bytes: Buffer.from(m[2], 'base64') };
}

/** Mean colour of an encoded image. */
export async function meanColour(bytes: Buffer): Promise<{ r: number; g: number; b: number }> {
  const { channels } = await sharp(bytes).stats();
  return { r: channels[0].mean, g: channels[1].mean, b: channels[2].mean };
}

export function newProduct(overrides: Partial<NewProduct> = {}): NewProduct {
  return {
    newId: 'NEW001',
    imagePath: 'NEW001.jpg',
    category: 'midi_dress',
    style: 'casual',
    season: 'spring',
    promptHint: 'floral ruffle maxi dress',
    attributes: {},
    ...overrides,
  };
}

export function reference(id: string, bytes: Buffer): ReferenceImage {
  return {
    bytes,
    product: {
      id,
      category: 'midi_dress',
      color: 'red',
      style: 'casual',
      season: 'spring',
      salesCount: 2400,
      price: 59.9,
      description: `Best seller ${id}: a flowing midi dress shot outdoors`,
      imagePath: `/catalog/${id}.jpg`,
      imageHash: id,
      attributes: {},
      keywords: 'midi dress',
    },
  };
}
