/**
 * A real S3-compatible server for tests and benchmarks: s3rver (npm, a devDependency) in its own Node
 * process, on a free loopback port, keeping its objects in a new temporary folder, with one bucket made
 * and a fresh random access key pair (so a test can look for the credentials in what hitline prints).
 * s3rver is a local test server, not AWS S3: it speaks S3's REST API with its paging and error codes and
 * refuses unknown access key ids, but does NOT verify SigV4 signatures (a wrong secret is accepted), and it
 * writes objects in place (a reader racing a writer can see a partial object, and two puts of one key can
 * interleave into a mix of both, which S3 never shows), and
 * a listing that needs more than one page skips a key like "a.bin" that sorts before a sibling folder "a/"
 * (it walks folders in file-system order, then drops keys up to the page's last key). It runs
 * in a child process so that a test can stop it mid-run, and its CPU work is not the test's.
 *
 *   const s3 = await startS3Server();
 *   new S3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, forcePathStyle: true,
 *                   credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
 *   await s3.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.js';

export interface S3TestServer {
  /** "http://127.0.0.1:<port>": use with forcePathStyle. */
  endpoint: string;
  /** A bucket that exists and is empty. */
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The folder s3rver keeps its objects in (removed by stop). */
  directory: string;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

const STARTUP_MS = 30_000;

// Runs in the child: registers the key pair, makes the bucket, listens, and prints the port as one JSON line.
const SERVER_SCRIPT = `
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');
const { S3RVER_DIR, S3RVER_BUCKET, S3RVER_KEY_ID, S3RVER_SECRET } = process.env;
AWSAccount.DUMMY_ACCOUNT.createKeyPair(S3RVER_KEY_ID, S3RVER_SECRET);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: S3RVER_DIR, silent: true, configureBuckets: [{ name: S3RVER_BUCKET }] });
server.run().then((address) => console.log(JSON.stringify({ port: address.port })), (err) => { console.error(err); process.exit(1); });
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

/** Servers still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'hitline-s3rver-'));
  const bucket = `hitline-test-${randomBytes(4).toString('hex')}`;
  const accessKeyId = `AKTEST${randomBytes(7).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  // s3rver makes ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3) only has in the
  // legacy provider: without the flag every listing past the first 1,000 keys is a 500.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', S3RVER_DIR: directory, S3RVER_BUCKET: bucket, S3RVER_KEY_ID: accessKeyId, S3RVER_SECRET: secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));

  const stop = async () => {
    if (running.delete(child)) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${STARTUP_MS} ms:\n${output}`)), STARTUP_MS);
      let line = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        line += chunk.toString();
        const match = /\{"port":(\d+)\}/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited before it listened:\n${output}`));
      });
    });
    return { endpoint: `http://127.0.0.1:${port}`, bucket, accessKeyId, secretAccessKey, region: 'us-east-1', directory, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
