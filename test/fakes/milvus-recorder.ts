/**
 * A gRPC server speaking Milvus's MilvusService, built with @grpc/grpc-js and @grpc/proto-loader from
 * the proto descriptors bundled in @zilliz/milvus2-sdk-node (milvus-proto.ts). The real SDK talks to it
 * over a socket on 127.0.0.1, so tests see the exact requests the adapter sends, decoded from the wire:
 * CreateCollection (schema bytes decoded with schema.CollectionSchema), CreateIndex, Upsert, Query,
 * Search, HybridSearch, Delete, ...
 *
 * It answers from a small in-memory emulation (milvus-emulation.ts) so the adapter's handling of answers
 * is exercised too, and it can be told to fail a call (a failed status, or a gRPC error such as
 * UNAVAILABLE) or to demand a token. It checks our requests, not Milvus's behaviour.
 */
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { ExprError } from './milvus-expr.js';
import type { FakeCollection } from './milvus-fake-collection.js';
import { MilvusEmulation, OK, type MilvusStatusObject } from './milvus-emulation.js';
import { LOADER_OPTIONS, milvusDescriptor, type AnyRequest } from './milvus-proto.js';

export { decodeCollectionSchema, decodePlaceholderGroup, encodedSize, keyValues } from './milvus-proto.js';
export type { MilvusStatusObject } from './milvus-emulation.js';

export interface RecordedCall {
  method: string;
  request: AnyRequest;
  /** Request metadata (headers), e.g. `authorization`, `dbname`. */
  metadata: Record<string, string>;
}

/** What to do instead of the normal answer. */
export type InjectedFailure =
  | { grpc: { code: grpc.status; details: string } }
  | { status: MilvusStatusObject }
  | { respond: (request: AnyRequest) => AnyRequest };

export interface RecorderOptions {
  /** Version reported by Connect and GetVersion (default v2.5.4). */
  version?: string;
  /** When set, every call must carry this token (Milvus's `authorization` header: base64 of the token). */
  requireToken?: string;
}

export class MilvusRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly emulation: MilvusEmulation;
  requireToken: string | undefined;
  private readonly failures = new Map<string, Array<InjectedFailure | null>>();

  private constructor(
    private readonly server: grpc.Server,
    readonly port: number,
    options: RecorderOptions,
  ) {
    this.emulation = new MilvusEmulation(options.version ?? 'v2.5.4');
    this.requireToken = options.requireToken;
  }

  static async start(options: RecorderOptions = {}): Promise<MilvusRecorder> {
    const definition = fromJSON(milvusDescriptor as never, LOADER_OPTIONS);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } };
    };
    const service = loaded.milvus.proto.milvus.MilvusService.service;
    const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const recorder = new MilvusRecorder(server, port, options);
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, def] of Object.entries(service)) {
      const returnsStatus = (def as unknown as { responseType?: { type?: { name?: string } } }).responseType?.type?.name === 'Status';
      impl[method] = (call: grpc.ServerUnaryCall<AnyRequest, AnyRequest>, callback: grpc.sendUnaryData<AnyRequest>) =>
        recorder.handle(method, returnsStatus, call, callback);
    }
    server.addService(service, impl);
    return recorder;
  }

  /** The emulated collections, by name (tests reach in to change one). */
  get collections(): Map<string, FakeCollection> {
    return this.emulation.collections;
  }

  /** Version reported by Connect and GetVersion. */
  get version(): string {
    return this.emulation.version;
  }

  set version(value: string) {
    this.emulation.version = value;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Decoded requests of one method, in order. */
  requests(method: string): AnyRequest[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  /** After `skip` normal calls of `method`, the next `times` calls fail as described. */
  failNext(method: string, failure: InjectedFailure, options: { times?: number; skip?: number } = {}): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < (options.skip ?? 0); i++) queue.push(null);
    for (let i = 0; i < (options.times ?? 1); i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  private handle(
    method: string,
    returnsStatus: boolean,
    call: grpc.ServerUnaryCall<AnyRequest, AnyRequest>,
    callback: grpc.sendUnaryData<AnyRequest>,
  ): void {
    const metadata = Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]));
    this.calls.push({ method, request: call.request, metadata });
    if (this.requireToken !== undefined && metadata.authorization !== Buffer.from(this.requireToken).toString('base64')) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'auth check failure, please check username and password are correct' });
      return;
    }
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ('grpc' in failure) callback({ code: failure.grpc.code, details: failure.grpc.details });
      else if ('status' in failure) callback(null, returnsStatus ? failure.status : { status: failure.status });
      else callback(null, failure.respond(call.request));
      return;
    }
    try {
      const answer = this.emulation.answer(method, call.request);
      callback(null, answer ?? (returnsStatus ? OK : { status: OK }));
    } catch (err) {
      // Milvus reports request problems (bad expression, unknown field) as a failed status.
      const reason = err instanceof ExprError ? `failed to create query plan: cannot parse expression: ${err.message}` : (err as Error).message;
      const status = { code: 1100, error_code: 'IllegalArgument', reason };
      callback(null, returnsStatus ? status : { status });
    }
  }
}
