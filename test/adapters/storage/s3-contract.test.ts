/**
 * The BlobStorage contract against S3Storage on s3rver (test/helpers/s3-server.ts), a real S3-compatible
 * server in its own process: each test gets its own key prefix in the server's bucket, and the broken
 * storage names a bucket that does not exist.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { S3Storage } from '../../../src/adapters/storage/index.js';
import { runBlobStorageContract } from '../../contract/blob-storage/contract.js';
import { startS3Server } from '../../helpers/s3-server.js';

const s3 = await startS3Server();
afterAll(() => s3.stop());

const settings = () => ({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});

runBlobStorageContract('s3 (s3rver)', {
  async make() {
    // A fresh prefix per test: the contract's "empty storage" without a bucket per test.
    return { storage: new S3Storage({ ...settings(), bucket: s3.bucket, prefix: `contract/${randomBytes(4).toString('hex')}` }), cleanup: async () => undefined };
  },
  async makeBroken() {
    return { storage: new S3Storage({ ...settings(), bucket: 'no-such-bucket-here' }), cleanup: async () => undefined, hint: /Create the bucket "no-such-bucket-here"/ };
  },
}, {
  skips: [
    {
      test: 'leaves one whole blob when puts of the same key race',
      // Seen in CI: the object read back was neither of the blobs put. S3 replaces an object whole (last writer wins).
      reason: 's3rver writes each object in place, one write stream per request, so racing puts of one key can interleave (test/helpers/s3-server.ts)',
    },
  ],
});
