/**
 * `hitline doctor` checks the blob storage runs share: the real CLI in its own process against s3rver up,
 * misconfigured and stopped (the S3 credentials never appear in what it prints), and doctor's checks in
 * this process for the folder storage and bad settings.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorChecks } from '../../src/compose/doctor.js';
import { openHitlineContext } from '../../src/compose/context.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { spawnCli } from '../helpers/spawn-cli.js';

interface DoctorJson {
  ok: boolean;
  checks: Array<{ check: string; ok: boolean; detail: string; hint?: string }>;
}

let s3: S3TestServer;
let ws: string;
beforeAll(async () => {
  s3 = await startS3Server();
  ws = await mkdtemp(path.join(os.tmpdir(), 'hitline-doctor-storage-'));
  await writeFile(path.join(ws, 'config.json'), '{}');
}, 60_000);
afterAll(async () => {
  await s3?.stop();
  if (ws) await rm(ws, { recursive: true, force: true });
});

function s3Env(): Record<string, string> {
  return {
    HITLINE_STORAGE: 's3', HITLINE_S3_ENDPOINT: s3.endpoint, HITLINE_S3_BUCKET: s3.bucket, HITLINE_S3_PREFIX: 'doctor-test',
    HITLINE_S3_ACCESS_KEY_ID: s3.accessKeyId, HITLINE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    // The SDK's notice that Node 20 support ends is not what these tests read.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

async function doctor(env: Record<string, string>, json = true): Promise<{ code: number; out: string; report?: DoctorJson }> {
  const { code, stdout, stderr } = await spawnCli(['doctor', '--offline', '--workspace', ws, ...(json ? ['--json'] : [])], env);
  const out = stdout.toString() + stderr.toString();
  return { code, out, report: json ? (JSON.parse(stdout.toString()) as DoctorJson) : undefined };
}

const storageCheck = (report: DoctorJson) => report.checks.find((c) => c.check === 'storage');

/** doctor's checks in this process (faster than the CLI), offline, on the read-only view of the workspace. */
async function storageCheckInProcess(env: Record<string, string>): Promise<DoctorJson['checks'][number] | undefined> {
  const ctx = await openHitlineContext({ workspace: ws, offline: true, readOnly: true }, env);
  return (await doctorChecks(ctx)).find((c) => c.check === 'storage');
}

describe('hitline doctor: storage', () => {
  it('checks a folder storage; the default one only once it exists (doctor creates nothing in the workspace)', async () => {
    const fresh = await storageCheckInProcess({});
    expect(fresh).toEqual({ check: 'storage', ok: true, detail: `folder ${path.join(ws, 'storage')} (not created yet: the first run that uses it creates it)` });
    expect(existsSync(path.join(ws, 'storage'))).toBe(false);
    const shared = path.join(ws, 'shared-storage');
    expect(await storageCheckInProcess({ HITLINE_STORAGE_DIR: shared })).toEqual({ check: 'storage', ok: true, detail: `folder ${shared}: reachable and writable` });
    const blocked = await storageCheckInProcess({ HITLINE_STORAGE_DIR: path.join(ws, 'config.json', 'x') });
    expect(blocked).toMatchObject({ ok: false, detail: expect.stringMatching(/a part of the path is a file, not a folder/) });
  }, 60_000);

  it('names the variable of a bad setting', async () => {
    expect(await storageCheckInProcess({ HITLINE_STORAGE: 's3' })).toMatchObject({ ok: false, detail: expect.stringMatching(/^HITLINE_S3_BUCKET is not set/) });
  }, 60_000);

  it('says which S3 bucket is used and that it is reachable and writable, without the credentials', async () => {
    const { code, out, report } = await doctor(s3Env());
    expect(storageCheck(report!)).toEqual({
      check: 'storage', ok: true,
      detail: `S3 bucket s3://${s3.bucket}/doctor-test at ${new URL(s3.endpoint).host}, credentials from HITLINE_S3_ACCESS_KEY_ID / HITLINE_S3_SECRET_ACCESS_KEY: reachable and writable`,
    });
    expect(code).toBe(report!.ok ? 0 : 1);
    expect(out).not.toContain(s3.accessKeyId);
    expect(out).not.toContain(s3.secretAccessKey);
  }, 120_000);

  it('fails the storage check with a hint when the bucket is missing or the key is wrong', async () => {
    const missing = await doctor({ ...s3Env(), HITLINE_S3_BUCKET: 'no-such-bucket' });
    expect(missing.code).toBe(1);
    expect(storageCheck(missing.report!)).toMatchObject({ ok: false, detail: expect.stringMatching(/the bucket does not exist/), hint: expect.stringMatching(/Create the bucket "no-such-bucket"/) });
    // A key id the server does not know (s3rver checks key ids but not SigV4 signatures, so a wrong secret passes there).
    const wrongKey = await doctor({ ...s3Env(), HITLINE_S3_ACCESS_KEY_ID: 'AKUNKNOWNKEYID0042' }, false);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.out).toMatch(/✗ storage: .*access denied \(InvalidAccessKeyId\)/);
    expect(wrongKey.out).toMatch(/→ Check HITLINE_S3_ACCESS_KEY_ID/);
    expect(wrongKey.out).not.toContain('AKUNKNOWNKEYID0042');
    expect(wrongKey.out).not.toContain(s3.secretAccessKey);
  }, 120_000);

  it('fails the storage check, retryable hint and all, once the S3 server is down (printed, no secret)', async () => {
    const env = s3Env();
    await s3.stop();
    const { code, out } = await doctor(env, false);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ storage: S3 bucket .* the endpoint cannot be reached \(ECONNREFUSED\)/);
    expect(out).toMatch(/→ Check that the S3 server at 127\.0\.0\.1:\d+ is running/);
    expect(out).not.toContain(env.HITLINE_S3_ACCESS_KEY_ID);
    expect(out).not.toContain(env.HITLINE_S3_SECRET_ACCESS_KEY);
  }, 120_000);

});
