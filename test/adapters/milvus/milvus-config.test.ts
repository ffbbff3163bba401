/** Milvus settings from the environment, defaults, and the address as shown in messages. */
import { describe, expect, it } from 'vitest';
import { displayAddress, milvusConfigFromEnv, resolveMilvusConfig } from '../../../src/adapters/milvus/config.js';
import { redactSecrets } from '../../../src/adapters/milvus/errors.js';
import { UserInputError } from '../../../src/core/errors.js';

describe('milvusConfigFromEnv', () => {
  it('reads address, credentials, TLS, database, collection and index kind', () => {
    expect(
      milvusConfigFromEnv({
        MILVUS_ADDRESS: ' milvus.internal:19530 ',
        MILVUS_TOKEN: 'root:Milvus',
        MILVUS_SSL: 'true',
        MILVUS_TLS_CA: '/etc/ca.pem',
        MILVUS_TLS_SERVER_NAME: 'milvus.example.com',
        MILVUS_DATABASE: 'shop',
        MILVUS_COLLECTION: 'spring_catalog',
        MILVUS_INDEX: 'flat',
        MILVUS_KEYWORD_LEG: 'Sparse',
        MILVUS_TIMEOUT_MS: '4500',
      }),
    ).toEqual({
      address: 'milvus.internal:19530',
      token: 'root:Milvus',
      ssl: true,
      tls: { rootCertPath: '/etc/ca.pem', serverName: 'milvus.example.com' },
      database: 'shop',
      collection: 'spring_catalog',
      denseIndex: 'FLAT',
      keywordLeg: 'sparse',
      timeoutMs: 4500,
    });
  });

  it('refuses a missing address, half-set credentials and unknown values, naming the variable', () => {
    expect(() => milvusConfigFromEnv({})).toThrow(/MILVUS_ADDRESS is not set/);
    expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_USERNAME: 'bob' })).toThrow(/MILVUS_USERNAME and MILVUS_PASSWORD/);
    expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_SSL: 'maybe' })).toThrow(/MILVUS_SSL/);
    expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_INDEX: 'IVF_PQ' })).toThrow(/MILVUS_INDEX/);
    expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_TLS_CERT: '/c.pem' })).toThrow(/MILVUS_TLS_KEY/);
    expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_KEYWORD_LEG: 'splade' })).toThrow(/MILVUS_KEYWORD_LEG is "splade"/);
    for (const timeout of ['0', '-5', '1.5', '30s']) {
      expect(() => milvusConfigFromEnv({ MILVUS_ADDRESS: 'h:1', MILVUS_TIMEOUT_MS: timeout })).toThrow(/MILVUS_TIMEOUT_MS/);
    }
    try {
      milvusConfigFromEnv({});
    } catch (err) {
      expect(err).toBeInstanceOf(UserInputError);
      expect((err as UserInputError).hint).toMatch(/19530/);
    }
  });
});

describe('resolveMilvusConfig', () => {
  it('fills the defaults: hitline_products, HNSW (M 16, efConstruction 200, ef 128), 32 MiB and 1,000-row batches', () => {
    const c = resolveMilvusConfig({ address: 'localhost:19530' });
    expect(c.collection).toBe('hitline_products');
    expect(c.denseIndex).toBe('HNSW');
    expect(c.hnsw).toEqual({ M: 16, efConstruction: 200, ef: 128 });
    expect(c.maxBatchBytes).toBe(32 * 1024 * 1024);
    expect(c.maxBatchRows).toBe(1000);
    expect(c.keywordLeg).toBe('auto');
    expect(c.tenant).toBeUndefined();
  });

  it('refuses a tenant outside letters, digits, _ and - (it goes into row keys and filters), and a bad deadline', () => {
    expect(resolveMilvusConfig({ address: 'h:1', tenant: 'shop_42-eu' }).tenant).toBe('shop_42-eu');
    for (const tenant of ['', 'a/b', 'x" or 1', 'a'.repeat(65)]) {
      expect(() => resolveMilvusConfig({ address: 'h:1', tenant }), tenant).toThrow(UserInputError);
    }
    expect(() => resolveMilvusConfig({ address: 'h:1', timeoutMs: 0 })).toThrow(/timeout/);
  });

  it('refuses collection names Milvus would refuse', () => {
    expect(() => resolveMilvusConfig({ address: 'h:1', collection: '1abc' })).toThrow(UserInputError);
    expect(() => resolveMilvusConfig({ address: 'h:1', collection: 'a"b' })).toThrow(UserInputError);
    expect(() => resolveMilvusConfig({ address: '  ' })).toThrow(UserInputError);
  });
});

describe('secrets stay out of messages', () => {
  it('shows an address without its user-info', () => {
    expect(displayAddress({ address: 'https://bob:secret@in01.zillizcloud.com:443' })).toBe('https://in01.zillizcloud.com:443');
    expect(displayAddress({ address: 'bob:secret@host:19530' })).toBe('host:19530');
    expect(displayAddress({ address: 'localhost:19530' })).toBe('localhost:19530');
  });

  it('redacts the token, the password and their base64 forms', () => {
    const token = 'abc-token-123';
    const text = `token ${token} header ${Buffer.from(token).toString('base64')} pw hunter22 pair ${Buffer.from('bob:hunter22').toString('base64')}`;
    const out = redactSecrets(text, { token, username: 'bob', password: 'hunter22' });
    expect(out).not.toContain(token);
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain(Buffer.from(token).toString('base64'));
    expect(out).not.toContain(Buffer.from('bob:hunter22').toString('base64'));
  });
});
