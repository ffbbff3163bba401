/**
 * Tenants sharing one Milvus collection (tenant-scope.ts), against Milvus Lite: the whole VectorStore
 * contract for a tenant whose neighbour holds rows with the very same ids (so any leak shows as a wrong
 * row, count or rank), and two tenants that never see each other's rows through any call.
 */
import { afterEach, expect, it } from 'vitest';
import { MilvusStore, type MilvusConfig } from '../../../src/adapters/milvus/index.js';
import { HitlineError } from '../../../src/core/errors.js';
import type { EmbedderInfo, StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';
import { DIM, EMBEDDER, catalogFixture, randomUnitVector, record, seededRandom } from '../../contract/vector-store/fixture.js';
import { describeWithMilvusLite } from '../../helpers/milvus-lite.js';

/** The contract fixture's ids with other vectors, another colour and other words: what a neighbour tenant holds. */
function neighbourRows(): StoredProduct[] {
  const random = seededRandom(777);
  return catalogFixture().map((p) => ({
    ...p,
    color: 'neighbour',
    description: 'neighbour wool coat 羽绒服 parka',
    keywords: keywordText('neighbour wool coat 羽绒服 parka'),
    imageHash: `neighbour-${p.id}`,
    vector: randomUnitVector(random, DIM),
  }));
}

/**
 * The store under test, whose first successful open also fills the neighbour tenant: the contract's
 * own expectations (a new store records no embedder) hold until then, and every call after it runs
 * beside the neighbour's rows.
 */
function besideNeighbour(store: MilvusStore, neighbour: () => MilvusStore): { store: VectorStore; filled: () => boolean } {
  let filled = false;
  const open = async (embedder: EmbedderInfo) => {
    await store.open(embedder);
    if (filled || embedder.dimension !== DIM) return;
    filled = true;
    const other = neighbour();
    await other.open(embedder);
    await other.upsert(neighbourRows());
    await other.close();
  };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'open') return open;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, filled: () => filled };
}

describeWithMilvusLite('Milvus Lite, tenants on a shared collection', (server) => {
  const opened: MilvusStore[] = [];
  const store = (config: Partial<MilvusConfig>) => {
    const s = new MilvusStore({ address: server().address, ...config });
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const dropCollection = async (collection: string) => {
    const dropper = new MilvusStore({ address: server().address, collection });
    await dropper.drop();
    await dropper.close();
  };

  let n = 0;
  runVectorStoreContract(
    'milvus lite, one tenant beside a neighbour with the same ids',
    async () => {
      const collection = `shared_${++n}`;
      const config = { address: server().address, collection, tenant: 'shop-a' };
      const neighbour = () => new MilvusStore({ address: server().address, collection, tenant: 'neighbour' });
      const tested = besideNeighbour(new MilvusStore(config), neighbour);
      return {
        store: tested.store,
        reopen: async () => new MilvusStore(config),
        cleanup: async () => {
          const check = neighbour();
          try {
            if (tested.filled()) {
              // Whatever the test did as shop-a, the neighbour's rows are all still there, untouched.
              await check.open(EMBEDDER);
              const rows = neighbourRows();
              expect(await check.count()).toBe(rows.length);
              expect(await check.imageHashes(rows.map((r) => r.id))).toEqual(new Map(rows.map((r) => [r.id, r.imageHash])));
            }
            if (await check.recordedEmbedder()) await dropCollection(collection);
          } finally {
            await check.close();
          }
        },
      };
    },
    {
      skips: [
        {
          test: 'recreate empties the store and records the new embedder; vectors of the old one are then refused',
          reason: 'the embedder belongs to the shared collection, not to one tenant: a tenant cannot switch it',
        },
      ],
    },
  );

  it('two tenants using the same ids never see each other’s rows through any call', async () => {
    const collection = 'two_tenants';
    const a = store({ collection, tenant: 'shop-a' });
    const b = store({ collection, tenant: 'shop-b' });
    await a.open(EMBEDDER);
    await b.open(EMBEDDER);
    expect(a.layout?.tenantScoped).toBe(true); // the server kept `tenant` as the partition key
    const rowsA = catalogFixture().slice(0, 10);
    const rowsB = neighbourRows().slice(0, 10);
    const onlyB = { ...neighbourRows()[20], id: 'only-in-b' };
    await a.upsert(rowsA);
    await b.upsert([...rowsB, onlyB]);
    const ids = [...rowsA.map((r) => r.id), 'only-in-b'];

    expect(await a.count()).toBe(10);
    expect(await b.count()).toBe(11);
    expect(await a.get(ids)).toEqual(rowsA.map(record));
    expect(await b.get(ids)).toEqual([...rowsB, onlyB].map(record));
    expect([...(await a.imageHashes(ids)).values()]).toEqual(rowsA.map((r) => r.imageHash));
    const dense = await a.denseSearch(onlyB.vector, { filter: [], limit: 50 });
    expect(dense.map((h) => h.id).sort()).toEqual(rowsA.map((r) => r.id).sort());
    expect(await a.keywordSearch(keywordText('neighbour parka'), { filter: [], limit: 50 })).toEqual([]);
    expect((await b.keywordSearch(keywordText('neighbour parka'), { filter: [], limit: 50 })).length).toBe(11);
    const hybrid = await a.hybridSearch({ vector: onlyB.vector, keywords: keywordText('neighbour wool'), filter: [], perLeg: 50, top: 50, rrfK: 60 });
    for (const h of hybrid.hits) expect(h.product).toEqual(record(rowsA.find((r) => r.id === h.product.id)!));
    const scanned: string[] = [];
    for await (const batch of a.scan(4)) scanned.push(...batch.map((p) => p.color));
    expect(scanned).toHaveLength(10);
    expect(scanned).not.toContain('neighbour');

    // Deleting and emptying one tenant leaves the other whole.
    expect(await a.delete([rowsA[0].id, 'only-in-b'])).toBe(1);
    expect(await b.count()).toBe(11);
    await a.recreate(EMBEDDER);
    expect(await a.count()).toBe(0);
    expect(await b.get(ids)).toEqual([...rowsB, onlyB].map(record));
  });

  it('keeps shared and own collections apart, and a tenant cannot drop the shared collection', async () => {
    const shared = store({ collection: 'shared_kind', tenant: 'shop-a' });
    await shared.open(EMBEDDER);
    const own = store({ collection: 'own_kind' });
    await own.open(EMBEDDER);
    const err = (e: unknown) => e as HitlineError;
    const noTenant = err(await store({ collection: 'shared_kind' }).open(EMBEDDER).catch((e: unknown) => e));
    expect(noTenant).toBeInstanceOf(HitlineError);
    expect(noTenant.message).toMatch(/shared by tenants, and this store has no tenant/);
    const withTenant = err(await store({ collection: 'own_kind', tenant: 'shop-a' }).open(EMBEDDER).catch((e: unknown) => e));
    expect(withTenant.message).toMatch(/belongs to a single catalog, and this store is scoped to tenant "shop-a"/);
    await expect(shared.drop()).rejects.toThrow(/tenant "shop-a" cannot drop it/);
    expect(() => new MilvusStore({ address: server().address, tenant: 'a/b' })).toThrow(/tenant "a\/b" is not valid/);
    await dropCollection('shared_kind');
    await dropCollection('own_kind');
  });
});
