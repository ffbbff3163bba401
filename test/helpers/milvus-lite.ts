/**
 * Milvus Lite (the Milvus project's own lightweight Milvus, a Python package serving Milvus's gRPC API) as
 * a real Milvus engine for tests. It lives in a virtual environment inside the checkout (.venv/, ignored
 * by git); users never need it.
 *
 * `describeWithMilvusLite(name, body)` gives a test file one server: started on a free loopback port with
 * its own temporary data folder before the file's tests, stopped with SIGINT after them, its log printed
 * when a test fails. Without the venv the block is skipped with the command that enables it; with
 * HITLINE_REQUIRE_MILVUS=1 (CI) a missing venv fails the file instead, so the tests can never skip there.
 */
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { MilvusLiteServer, milvusLiteSkipReason } from './milvus-lite-server.js';

export { ENABLE_MILVUS_LITE, MilvusLiteServer, milvusLiteSkipReason } from './milvus-lite-server.js';

/**
 * A describe block with one Milvus Lite server for its tests (`server()` inside them), or a visible skip
 * saying how to enable it. With HITLINE_REQUIRE_MILVUS=1 a missing server throws instead of skipping.
 */
export function describeWithMilvusLite(name: string, body: (server: () => MilvusLiteServer) => void): void {
  const skip = milvusLiteSkipReason();
  if (skip && process.env.HITLINE_REQUIRE_MILVUS === '1') {
    throw new Error(`HITLINE_REQUIRE_MILVUS=1 but ${skip}`);
  }
  if (skip) {
    console.warn(`${name}: ${skip}`);
    describe(name, () => it.skip(skip, () => {}));
    return;
  }
  describe(name, () => {
    let server: MilvusLiteServer | undefined;
    beforeAll(async () => {
      server = await MilvusLiteServer.start();
    });
    afterAll(async () => {
      await server?.dispose();
    });
    beforeEach(({ onTestFailed, task }) => {
      onTestFailed(() => {
        console.error(`--- Milvus Lite log (${server?.address ?? 'not started'}) after the failure of "${task.name}" ---\n${server?.log() ?? ''}\n--- end of log ---`);
      });
    });
    body(() => {
      if (!server) throw new Error('the Milvus Lite server starts in beforeAll');
      return server;
    });
  });
}
