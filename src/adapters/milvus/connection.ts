/**
 * Opening a MilvusClient: TLS files read up front (so a wrong path is named), the connection awaited
 * (so a dead address fails here, not in some later call), the server version checked.
 */
import { readFileSync } from 'node:fs';
import { CONNECT_STATUS, MilvusClient, type ClientConfig } from '@zilliz/milvus2-sdk-node';
import { UserInputError } from '../../core/errors.js';
import { displayAddress, type ResolvedMilvusConfig } from './config.js';
import { MilvusVersionError, isSuccessStatus, statusError, toMilvusError } from './errors.js';

/** Sparse vectors and hybrid search arrived in Milvus 2.4. */
export const MIN_MILVUS_VERSION: readonly [number, number] = [2, 4];

const MAX_RECONNECT_BACKOFF_MS = 5_000;

export async function connectMilvus(config: ResolvedMilvusConfig): Promise<MilvusClient> {
  const client = new MilvusClient(clientConfig(config));
  try {
    await client.connectPromise;
    await checkServerVersion(client, config);
    return client;
  } catch (err) {
    await client.closeConnection().catch(() => undefined);
    throw toMilvusError(err, config, 'connecting');
  }
}

function clientConfig(config: ResolvedMilvusConfig): ClientConfig {
  const out: ClientConfig = {
    address: config.address,
    timeout: config.timeoutMs,
    // hitline sends no usage telemetry to the server's telemetry endpoint.
    telemetry: { enabled: false },
    logLevel: 'error',
    // The SDK's retry interceptor re-sends a call without half-closing it, so a retried call after a
    // server-sent UNAVAILABLE hangs until the deadline (seen against the recorder). Fail fast instead;
    // every write is an idempotent upsert, so running the command again is the retry.
    maxRetries: 0,
    channelOptions: {
      // A connection of its own per store: grpc-js otherwise shares one per address across the process,
      // and a store opened after Milvus restarted would inherit another store's reconnect backoff and
      // fail at once instead of connecting.
      'grpc.use_local_subchannel_pool': 1,
      // Once Milvus is back, reconnect within seconds, not after grpc's default backoff of up to 2 minutes.
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
      // The SDK pings every 10 s even with no call in flight; a server with gRPC's default policy (Milvus
      // Lite's Python server) answers an idle connection's pings with GOAWAY "too many pings". Ping only
      // while calls run; a connection that died while idle shows at the next call as a retryable error.
      'grpc.keepalive_permit_without_calls': 0,
    },
  };
  if (config.token) out.token = config.token;
  else if (config.username) {
    out.username = config.username;
    out.password = config.password ?? '';
  }
  if (config.ssl) out.ssl = true;
  if (config.database) out.database = config.database;
  if (config.tls) {
    out.tls = {
      rootCert: readPem(config.tls.rootCertPath, 'MILVUS_TLS_CA'),
      certChain: readPem(config.tls.certChainPath, 'MILVUS_TLS_CERT'),
      privateKey: readPem(config.tls.privateKeyPath, 'MILVUS_TLS_KEY'),
      serverName: config.tls.serverName,
    };
  }
  return out;
}

function readPem(path: string | undefined, setting: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserInputError(`Cannot read the TLS file ${path} (${setting}): ${(err as Error).message}`, {
      hint: `Point ${setting} at a readable PEM file.`,
    });
  }
}

/** Throws MilvusVersionError for servers older than 2.4; an unparseable version (some managed services) passes. */
export async function checkServerVersion(client: MilvusClient, config: ResolvedMilvusConfig): Promise<string | undefined> {
  const where = displayAddress(config);
  const hint = 'hitline needs Milvus 2.4 or newer (sparse vectors and hybrid search); upgrade the server or use the LanceDB store.';
  if (client.connectStatus === CONNECT_STATUS.UNIMPLEMENTED) {
    throw new MilvusVersionError(`Milvus at ${where} is older than 2.2.9 (it has no Connect call)`, { hint });
  }
  // The SDK's type omits the status the answer carries.
  const res = (await client.getVersion()) as { version?: string; status?: Parameters<typeof isSuccessStatus>[0] };
  if (res.status && !isSuccessStatus(res.status)) throw statusError(res.status, config, 'asking for the server version');
  const version = res.version || client.serverInfo?.build_tags || '';
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match) {
    const [major, minor] = [Number(match[1]), Number(match[2])];
    const [needMajor, needMinor] = MIN_MILVUS_VERSION;
    if (major < needMajor || (major === needMajor && minor < needMinor)) {
      throw new MilvusVersionError(`Milvus at ${where} is version ${version}; hitline needs ${needMajor}.${needMinor} or newer`, { hint });
    }
  }
  return version || undefined;
}
