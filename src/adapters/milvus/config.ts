/**
 * Where and how to reach Milvus. Read from the environment by `milvusConfigFromEnv`; secrets (token,
 * password) are kept only here and are never put into messages (see errors.ts `redactSecrets`).
 */
import { UserInputError } from '../../core/errors.js';

export const DEFAULT_MILVUS_COLLECTION = 'hitline_products';

export type DenseIndexKind = 'HNSW' | 'FLAT';

export interface MilvusTlsConfig {
  /** CA certificate (PEM) that signed the server's certificate; enables one-way TLS. */
  rootCertPath?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  certChainPath?: string;
  privateKeyPath?: string;
  /** Name to check the server certificate against, when it differs from the address's host. */
  serverName?: string;
}

export interface MilvusConfig {
  /** `host:port` (default port 19530) or an `https://` endpoint (Zilliz Cloud). */
  address: string;
  /** API key or `user:password` token. Takes precedence over username/password. */
  token?: string;
  username?: string;
  password?: string;
  /** TLS with the system's CAs (an `https://` address turns it on too). */
  ssl?: boolean;
  tls?: MilvusTlsConfig;
  /** Milvus database; the server's `default` when unset. */
  database?: string;
  /** Collection name; `hitline_products` when unset. */
  collection?: string;
  /** ANN index of the dense vectors: HNSW (default) or FLAT (exact, as in the tutorial). */
  denseIndex?: DenseIndexKind;
  hnsw?: { M?: number; efConstruction?: number; ef?: number };
  /** Per-call deadline in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Upsert batches stay under these bounds (defaults: 32 MiB and 1,000 rows). */
  maxBatchBytes?: number;
  maxBatchRows?: number;
}

/** The config with every default filled in. */
export interface ResolvedMilvusConfig extends MilvusConfig {
  collection: string;
  denseIndex: DenseIndexKind;
  hnsw: { M: number; efConstruction: number; ef: number };
  timeoutMs: number;
  maxBatchBytes: number;
  maxBatchRows: number;
}

export function resolveMilvusConfig(config: MilvusConfig): ResolvedMilvusConfig {
  if (!config.address || !config.address.trim()) {
    throw new UserInputError('Milvus address is empty', { hint: 'Set MILVUS_ADDRESS to host:port (e.g. localhost:19530) or your Zilliz Cloud endpoint.' });
  }
  const collection = config.collection ?? DEFAULT_MILVUS_COLLECTION;
  // Milvus's own rule for collection names; checked here so the mistake is named before any call.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(collection)) {
    throw new UserInputError(`Milvus collection name "${collection}" is not valid`, {
      hint: 'Use letters, digits and underscores, starting with a letter or underscore (MILVUS_COLLECTION).',
    });
  }
  return {
    ...config,
    address: config.address.trim(),
    collection,
    denseIndex: config.denseIndex ?? 'HNSW',
    hnsw: { M: config.hnsw?.M ?? 16, efConstruction: config.hnsw?.efConstruction ?? 200, ef: config.hnsw?.ef ?? 128 },
    timeoutMs: config.timeoutMs ?? 30_000,
    maxBatchBytes: config.maxBatchBytes ?? 32 * 1024 * 1024,
    maxBatchRows: config.maxBatchRows ?? 1000,
  };
}

/**
 * Reads MILVUS_ADDRESS, MILVUS_TOKEN, MILVUS_USERNAME, MILVUS_PASSWORD, MILVUS_SSL, MILVUS_TLS_CA,
 * MILVUS_TLS_CERT, MILVUS_TLS_KEY, MILVUS_TLS_SERVER_NAME, MILVUS_DATABASE, MILVUS_COLLECTION,
 * MILVUS_INDEX (HNSW | FLAT). Throws UserInputError when MILVUS_ADDRESS is missing or a value is malformed.
 */
export function milvusConfigFromEnv(env: Record<string, string | undefined> = process.env): MilvusConfig {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const address = get('MILVUS_ADDRESS');
  if (!address) {
    throw new UserInputError('MILVUS_ADDRESS is not set', {
      hint: 'Set MILVUS_ADDRESS to host:port (e.g. localhost:19530 for Milvus standalone) or your Zilliz Cloud https:// endpoint.',
    });
  }
  const config: MilvusConfig = { address };
  const token = get('MILVUS_TOKEN');
  if (token) config.token = token;
  const username = get('MILVUS_USERNAME');
  const password = env.MILVUS_PASSWORD; // a password may legitimately have surrounding spaces
  if (username) config.username = username;
  if (password) config.password = password;
  if ((username && !password) || (!username && password)) {
    throw new UserInputError('MILVUS_USERNAME and MILVUS_PASSWORD must be set together', {
      hint: 'Set both, or use MILVUS_TOKEN (an API key, or "user:password").',
    });
  }
  const ssl = get('MILVUS_SSL');
  if (ssl !== undefined) config.ssl = parseBool('MILVUS_SSL', ssl);
  const tls: MilvusTlsConfig = {};
  const ca = get('MILVUS_TLS_CA');
  const cert = get('MILVUS_TLS_CERT');
  const key = get('MILVUS_TLS_KEY');
  const serverName = get('MILVUS_TLS_SERVER_NAME');
  if (ca) tls.rootCertPath = ca;
  if (cert) tls.certChainPath = cert;
  if (key) tls.privateKeyPath = key;
  if (serverName) tls.serverName = serverName;
  if ((cert && !key) || (!cert && key)) {
    throw new UserInputError('MILVUS_TLS_CERT and MILVUS_TLS_KEY must be set together', {
      hint: 'Mutual TLS needs both the client certificate and its private key (PEM files).',
    });
  }
  if (Object.keys(tls).length > 0) config.tls = tls;
  const database = get('MILVUS_DATABASE') ?? get('MILVUS_DB_NAME');
  if (database) config.database = database;
  const collection = get('MILVUS_COLLECTION');
  if (collection) config.collection = collection;
  const index = get('MILVUS_INDEX');
  if (index !== undefined) {
    const upper = index.toUpperCase();
    if (upper !== 'HNSW' && upper !== 'FLAT') {
      throw new UserInputError(`MILVUS_INDEX is "${index}"`, { hint: 'Use HNSW (default, fast approximate) or FLAT (exact, slower on large catalogs).' });
    }
    config.denseIndex = upper;
  }
  return config;
}

function parseBool(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new UserInputError(`${name} is "${value}"`, { hint: `Set ${name} to true or false.` });
}

/** The address as it may appear in messages: no user-info part, no query string; otherwise as given. */
export function displayAddress(config: Pick<MilvusConfig, 'address'>): string {
  const address = config.address.trim().replace(/[?#].*$/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(address)?.[0] ?? '';
  return scheme + address.slice(scheme.length).replace(/^[^@/]*@/, '');
}
