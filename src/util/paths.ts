import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json is). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The real product photo set used by tests and benchmarks. It lives only in ../shared (never copied
 * into the repo); HITLINE_FASHION_DIR overrides. Callers skip cleanly when it is absent.
 */
export function fashionDataDir(): string {
  return process.env.HITLINE_FASHION_DIR ?? path.resolve(REPO_ROOT, '..', 'shared', 'data', 'fashion-1204');
}
