/**
 * Idempotency-Key for run creation, per tenant, kept 24 hours (as payment APIs do): the same key with the
 * same body gives the same run; the same key with another body is a conflict. Records live in the tenant's
 * workspace at `idempotency/<sha256 of the key>.json`; the key itself is never a path.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../../core/errors.js';
import { canonicalJson } from '../../pipeline/stage-cache.js';
import type { Workspace } from '../../pipeline/workspace.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ConflictError } from '../errors.js';

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

interface IdempotencyRecord {
  bodySha256: string;
  runId: string;
  created: string;
}

export function checkIdempotencyKey(key: string): string {
  if (!KEY_SHAPE.test(key)) throw new UserInputError('Idempotency-Key must be 1 to 255 visible ASCII characters', { hint: 'Use a UUID made once per intended run.' });
  return key;
}

function recordFile(ws: Workspace, key: string): string {
  return path.join(ws.root, 'idempotency', `${createHash('sha256').update(key).digest('hex')}.json`);
}

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The run made earlier with this key and body, undefined when the key is new (or expired); 409 for another body. */
export async function priorRun(ws: Workspace, key: string, body: unknown, now = Date.now()): Promise<string | undefined> {
  let record: IdempotencyRecord;
  try {
    record = JSON.parse(await readFile(recordFile(ws, key), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (now - Date.parse(record.created) > IDEMPOTENCY_TTL_MS) return undefined;
  if (record.bodySha256 !== bodyHash(body)) {
    throw new ConflictError('this Idempotency-Key was already used with a different request body', {
      hint: `It made run ${record.runId}. Use a new key for a different run, or send the same body to get that run.`,
    });
  }
  return record.runId;
}

export async function rememberRun(ws: Workspace, key: string, body: unknown, runId: string, now = new Date()): Promise<void> {
  const record: IdempotencyRecord = { bodySha256: bodyHash(body), runId, created: now.toISOString() };
  await writeFileAtomic(recordFile(ws, key), JSON.stringify(record));
}
