/**
 * Where and how to reach Milvus. Read from the environment by `milvusConfigFromEnv`; secrets (token,
 * password) are kept only here and are never put into messages (see errors.ts `redactSecrets`).
 */
import { UserInputError } from '../../core/errors.js';

export const DEFAULT_MILVUS_COLLECTION = 'hitline_products';

export type DenseIndexKind = 'HNSW' | 'FLAT';

/**
 * How the keyword leg is scored, chosen when the collection is created (an existing collection keeps its
 * own): `bm25` is Milvus's BM25 function (the server analyzes the keyword text and keeps IDF statistics;
 * Milvus 2.5+ and Milvus Lite 3.x), `sparse` is hitline's client-side term weights (any Milvus 2.4+), and
 * `auto` (the default) takes BM25 where the server accepts it (keyword-leg.ts).
 */
export type KeywordLegChoice = 'auto' | 'bm25' | 'sparse';

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
  /** Keyword leg of a new collection (default `auto`). */
  keywordLeg?: KeywordLegChoice;
  /**
   * Keeps this store to one tenant's rows of a collection shared by many tenants (the service gives
   * each tenant its own workspace; with Milvus they share a server). Letters, digits, `_` and `-`, up to
   * 64. Off by default: the command line uses a collection of its own. See tenant-scope.ts.
   */
  tenant?: string;
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
  keywordLeg: KeywordLegChoice;
  timeoutMs: number;
  maxBatchBytes: number;
  maxBatchRows: number;
}

/** A tenant name: it goes into row keys and filter literals, so it is kept to a plain alphabet. */
const TENANT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

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
  if (config.tenant !== undefined && !TENANT_NAME.test(config.tenant)) {
    throw new UserInputError(`Milvus tenant "${config.tenant}" is not valid`, {
      hint: 'Use 1 to 64 letters, digits, "_" or "-" for a tenant.',
    });
  }
  if (config.timeoutMs !== undefined && !(Number.isInteger(config.timeoutMs) && config.timeoutMs > 0)) {
    throw new UserInputError(`Milvus timeout ${config.timeoutMs} ms is not valid`, { hint: 'Give the per-call deadline as a whole number of milliseconds above 0.' });
  }
  return {
    ...config,
    address: config.address.trim(),
    collection,
    denseIndex: config.denseIndex ?? 'HNSW',
    hnsw: { M: config.hnsw?.M ?? 16, efConstruction: config.hnsw?.efConstruction ?? 200, ef: config.hnsw?.ef ?? 128 },
    keywordLeg: config.keywordLeg ?? 'auto',
    timeoutMs: config.timeoutMs ?? 30_000,
    maxBatchBytes: config.maxBatchBytes ?? 32 * 1024 * 1024,
    maxBatchRows: config.maxBatchRows ?? 1000,
  };
}

/**
 * Reads MILVUS_ADDRESS, MILVUS_TOKEN, MILVUS_USERNAME, MILVUS_PASSWORD, MILVUS_SSL, MILVUS_TLS_CA,
 * MILVUS_TLS_CERT, MILVUS_TLS_KEY, MILVUS_TLS_SERVER_NAME, MILVUS_DATABASE, MILVUS_COLLECTION,
 * MILVUS_INDEX (HNSW | FLAT), MILVUS_KEYWORD_LEG (auto | bm25 | sparse), MILVUS_TIMEOUT_MS. Throws
 * UserInputError when MILVUS_ADDRESS is missing or a value is malformed.
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
  const keywordLeg = get('MILVUS_KEYWORD_LEG');
  if (keywordLeg !== undefined) {
    const lower = keywordLeg.toLowerCase();
    if (lower !== 'auto' && lower !== 'bm25' && lower !== 'sparse') {
      throw new UserInputError(`MILVUS_KEYWORD_LEG is "${keywordLeg}"`, {
        hint: "Use auto (Milvus's BM25 function where the server has it), bm25 (require it) or sparse (hitline's client-side weights).",
      });
    }
    config.keywordLeg = lower;
  }
  const timeout = get('MILVUS_TIMEOUT_MS');
  if (timeout !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(timeout)) {
      throw new UserInputError(`MILVUS_TIMEOUT_MS is "${timeout}"`, { hint: 'Set the per-call deadline in milliseconds, e.g. 30000.' });
    }
    config.timeoutMs = Number(timeout);
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
