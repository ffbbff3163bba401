/**
 * API keys: `hl_` + 32 random base62 characters (about 190 bits), shown once when made and stored only as
 * their sha256. A key this random needs no slow password hash: nobody can guess one from its hash, and a
 * lookup by hash is a map access. Comparisons still use timingSafeEqual.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PREFIX = 'hl_';
const KEY_BODY_LENGTH = 32;
/** Characters of a key shown in lists and logs: "hl_" and 9 more, too few to be useful to anyone. */
const SHOWN_PREFIX_LENGTH = 12;
/** What a key looks like; anything else is refused before it is hashed. */
export const KEY_PATTERN = /^hl_[A-Za-z0-9]{32}$/;

/** A new random key. Rejection sampling keeps every base62 character equally likely. */
export function newApiKey(): string {
  let body = '';
  while (body.length < KEY_BODY_LENGTH) {
    for (const byte of randomBytes(KEY_BODY_LENGTH)) {
      if (byte < 248 && body.length < KEY_BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return KEY_PREFIX + body;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

/** Constant-time comparison of two hex hashes of equal length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A webhook signing secret: `whsec_` + 32 base62 characters. */
export function newWebhookSecret(): string {
  return `whsec_${newApiKey().slice(KEY_PREFIX.length)}`;
}
