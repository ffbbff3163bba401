/**
 * The blob storage runs share, measured: put and get of 100 KB and 2 MB blobs in the folder storage and in
 * the S3 storage against s3rver (a local S3-compatible TEST server in its own process, on loopback; not
 * AWS S3, whose latency is network-bound and far higher).
 *
 *   node --import tsx bench/storage.ts [--count 40] [--concurrency 1,8] [--out bench/results/storage.md]
 *
 * Per adapter, size and concurrency: `--count` puts of distinct random blobs, then `--count` gets of them,
 * `--concurrency` calls at a time. Latency p50/p95 per call, throughput in MB/s of blob bytes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pMap from 'p-map';
import { FolderStorage, S3Storage } from '../src/adapters/storage/index.js';
import type { BlobStorage } from '../src/ports/blob-storage.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { startS3Server } from '../test/helpers/s3-server.js';
import { percentile } from './service-process.js';

interface Args { count: number; concurrency: number[]; out: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { count: 40, concurrency: [1, 8], out: path.join(REPO_ROOT, 'bench/results/storage.md') };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, v] = [argv[i], argv[i + 1]];
    if (flag === '--count') a.count = Number(v);
    else if (flag === '--concurrency') a.concurrency = v.split(',').map(Number);
    else if (flag === '--out') a.out = path.resolve(v);
    else throw new Error(`unknown argument ${flag}`);
  }
  return a;
}

const SIZES = [{ label: '100 KB', bytes: 100_000 }, { label: '2 MB', bytes: 2_000_000 }];

interface Row { adapter: string; size: string; concurrency: number; op: 'put' | 'get'; p50: number; p95: number; mbPerS: number }

async function timeCalls(keys: string[], concurrency: number, call: (key: string) => Promise<unknown>): Promise<{ ms: number[]; wallMs: number }> {
  const ms: number[] = [];
  const started = performance.now();
  await pMap(keys, async (key) => {
    const t = performance.now();
    await call(key);
    ms.push(performance.now() - t);
  }, { concurrency });
  return { ms, wallMs: performance.now() - started };
}

async function measure(adapter: string, storage: BlobStorage, args: Args): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    for (const concurrency of args.concurrency) {
      const run = randomBytes(4).toString('hex');
      const blobs = new Map<string, Buffer>(Array.from({ length: args.count }, (_, i) => [`bench/${run}/${i}.bin`, randomBytes(size.bytes)] as const));
      const keys = [...blobs.keys()];
      const mb = (args.count * size.bytes) / 1e6;
      const put = await timeCalls(keys, concurrency, (key) => storage.put(key, blobs.get(key)!));
      const get = await timeCalls(keys, concurrency, async (key) => {
        const back = await storage.get(key);
        if (back?.length !== size.bytes) throw new Error(`${adapter}: ${key} came back with ${back?.length} bytes`);
      });
      for (const [op, t] of [['put', put], ['get', get]] as const) {
        rows.push({ adapter, size: size.label, concurrency, op, p50: percentile(t.ms, 50), p95: percentile(t.ms, 95), mbPerS: mb / (t.wallMs / 1000) });
      }
      await pMap(keys, (key) => storage.delete(key), { concurrency: 8 });
      console.log(`${adapter} ${size.label} ×${concurrency}: done`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-storage-'));
  const s3 = await startS3Server();
  const rows: Row[] = [];
  try {
    rows.push(...(await measure('folder', new FolderStorage(dir), args)));
    const s3Storage = new S3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    rows.push(...(await measure('s3 → s3rver', s3Storage, args)));
    await s3Storage.close();
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
  const table = rows.map((r) => `| ${r.adapter} | ${r.size} | ${r.concurrency} | ${r.op} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.mbPerS.toFixed(0)} |`);
  const md = [
    '# Blob storage: folder vs S3 adapter on s3rver',
    '',
    `Command: \`node --import tsx bench/storage.ts --count ${args.count} --concurrency ${args.concurrency.join(',')}\` on ${new Date().toISOString().slice(0, 16)} UTC,`,
    `Node ${process.version}, ${os.cpus().length} shared cores, load average at the end ${load}.`,
    '',
    '**s3rver is a local S3-compatible test server** (npm, in its own Node process, on loopback, storing files in',
    'a temp folder): these numbers say what hitline\'s S3 adapter and the AWS SDK cost over a plain file write, not',
    'what AWS S3 or MinIO would do (their latency is set by the network, and was not measured here).',
    '',
    `Each row: ${args.count} distinct random blobs, put then got back (length checked), "conc." calls at a time.`,
    '',
    '| adapter | blob | conc. | op | p50 ms | p95 ms | MB/s |',
    '|---|---|---|---|---|---|---|',
    ...table,
    '',
  ].join('\n');
  await writeFile(args.out, md);
  console.log(md);
}

await main();
