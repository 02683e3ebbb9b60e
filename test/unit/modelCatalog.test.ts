import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { IMAGE_MODEL_IDS } from '../../src/apiframe/imageModels';
import type { ModelCatalog } from '../../src/apiframe/types';
import {
  DEFAULT_CATALOG_TTL_MS,
  ModelCatalogCache,
  catalogEntryFor,
  fallbackImageModels,
  groupByFamily,
  imageModelsOf,
  type CatalogStorage,
  type StoredCatalog,
} from '../../src/models/catalog';

const HOUR = 60 * 60 * 1000;

function memoryStorage(initial?: unknown): CatalogStorage & { value: unknown; writes: number } {
  return {
    value: initial,
    writes: 0,
    read() {
      return this.value;
    },
    write(value: StoredCatalog) {
      this.writes++;
      this.value = JSON.parse(JSON.stringify(value)) as unknown;
    },
  };
}

const SERVER: ModelCatalog = {
  models: [
    { id: 'flux-2-pro', label: 'FLUX.2 Pro', modality: 'image', costMin: 6, costMax: 24, pricingMode: 'per-output' },
    { id: 'dall-e-3', label: 'DALL·E 3', modality: 'image', costMin: 8, costMax: 8, pricingMode: 'per-output' },
    { id: 'kling-video', label: 'Kling Video', modality: 'video', costMin: 40, costMax: 160 },
    { id: 'brand-new-model', label: 'Next year', modality: 'image', costMin: 1, costMax: 2 },
  ],
};

function cacheWith(storage: CatalogStorage, clock: { t: number }, fetchCatalog: () => Promise<ModelCatalog>): ModelCatalogCache {
  return new ModelCatalogCache({ storage, fetchCatalog, now: () => clock.t });
}

describe('model catalog', () => {
  it('keeps the image models this extension can call, in the server’s order, with their family', () => {
    const models = imageModelsOf(SERVER);
    assert.deepEqual(
      models.map((m) => [m.id, m.family, m.costMin, m.costMax, m.pricingMode]),
      [
        ['flux-2-pro', 'flux', 6, 24, 'per-output'],
        ['dall-e-3', 'dall-e', 8, 8, 'per-output'],
      ],
    );
  });

  it('cleans what a server may get wrong: duplicates, bad costs, a reversed range, a missing label, an unknown pricing mode', () => {
    const models = imageModelsOf({
      models: [
        { id: 'imagen-4', modality: 'image', costMin: 12, costMax: 8, pricingMode: 'per-pixel' },
        { id: 'imagen-4', label: 'second copy', modality: 'image' },
        { id: 'reve-create', label: '  Reve  ', modality: 'image', costMin: -1, costMax: Number.NaN },
        'not an object',
        { id: 42, modality: 'image' },
      ],
    });
    assert.deepEqual(models, [
      { id: 'imagen-4', label: 'imagen-4', family: 'imagen', costMin: 8, costMax: 12 },
      { id: 'reve-create', label: 'Reve', family: 'reve' },
    ]);
  });

  it('the built-in list has every image model of the spec with a price', () => {
    const models = fallbackImageModels();
    assert.deepEqual(models.map((m) => m.id), [...IMAGE_MODEL_IDS]);
    for (const model of models) {
      assert.ok(model.costMin !== undefined && model.costMax !== undefined && model.costMin > 0 && model.costMin <= model.costMax, model.id);
      assert.ok(model.pricingMode, model.id);
    }
  });

  it('groups by family in order of first appearance', () => {
    const groups = groupByFamily(fallbackImageModels());
    assert.equal(groups[0]?.family, 'midjourney');
    assert.deepEqual(groups.find((g) => g.family === 'dall-e')?.models.map((m) => m.id), ['dall-e-3', 'dall-e-2']);
    assert.equal(new Set(groups.map((g) => g.family)).size, groups.length);
  });

  it('catalogEntryFor falls back to the built-in price for a model the server no longer lists', () => {
    const entry = catalogEntryFor(imageModelsOf(SERVER), 'midjourney');
    assert.equal(entry.id, 'midjourney');
    assert.ok(entry.costMax !== undefined);
    assert.equal(catalogEntryFor(imageModelsOf(SERVER), 'flux-2-pro').costMax, 24);
  });

  describe('cache', () => {
    it('first start: fetches, stores and answers from the network; then from the store until the TTL passes', async () => {
      const storage = memoryStorage();
      const clock = { t: 1_000_000 };
      let fetches = 0;
      const cache = cacheWith(storage, clock, () => {
        fetches++;
        return Promise.resolve(SERVER);
      });
      assert.equal(cache.peek().source, 'fallback');
      const first = await cache.get();
      assert.deepEqual([first.source, first.fetchedAt, first.models.length, fetches, storage.writes], ['network', 1_000_000, 2, 1, 1]);
      clock.t += DEFAULT_CATALOG_TTL_MS - 1;
      const cached = await cache.get();
      assert.deepEqual([cached.source, fetches], ['cache', 1]);
      assert.equal(cache.peek().source, 'cache');
      clock.t += 1;
      assert.equal(cache.peek().source, 'stale-cache');
      const refreshed = await cache.get();
      assert.deepEqual([refreshed.source, fetches], ['network', 2]);
      await cache.get({ refresh: true });
      assert.equal(fetches, 3);
    });

    it('offline: the last copy past its TTL, else the built-in list, with the reason', async () => {
      const offline = new Error('getaddrinfo ENOTFOUND api.apiframe.ai');
      const clock = { t: 0 };
      const stored = memoryStorage({ fetchedAt: -2 * DEFAULT_CATALOG_TTL_MS, models: imageModelsOf(SERVER) });
      const stale = await cacheWith(stored, clock, () => Promise.reject(offline)).get();
      assert.deepEqual([stale.source, stale.models.map((m) => m.id), stale.error], ['stale-cache', ['flux-2-pro', 'dall-e-3'], offline]);
      const empty = await cacheWith(memoryStorage(), clock, () => Promise.reject(offline)).get();
      assert.deepEqual([empty.source, empty.models.length, empty.error], ['fallback', IMAGE_MODEL_IDS.length, offline]);
    });

    it('an answer without one usable image model does not replace the last copy', async () => {
      const storage = memoryStorage({ fetchedAt: 0, models: imageModelsOf(SERVER) });
      const clock = { t: 3 * DEFAULT_CATALOG_TTL_MS };
      const snapshot = await cacheWith(storage, clock, () => Promise.resolve({ models: [{ id: 'suno', label: 'Suno', modality: 'music' }] })).get();
      assert.equal(snapshot.source, 'stale-cache');
      assert.equal(storage.writes, 0);
    });

    it('does not trust a copy from the future, a copy of the wrong shape, or unknown models in it', async () => {
      const clock = { t: 10 * HOUR };
      let fetches = 0;
      const fetchCatalog = (): Promise<ModelCatalog> => {
        fetches++;
        return Promise.resolve(SERVER);
      };
      await cacheWith(memoryStorage({ fetchedAt: 11 * HOUR, models: imageModelsOf(SERVER) }), clock, fetchCatalog).get();
      assert.equal(fetches, 1, 'a copy stamped in the future is refreshed');
      for (const broken of [null, 'text', { fetchedAt: 'yesterday', models: [] }, { fetchedAt: 10 * HOUR, models: [{ id: 'not-a-model' }] }]) {
        const snapshot = cacheWith(memoryStorage(broken), clock, fetchCatalog).peek();
        assert.equal(snapshot.source, 'fallback', JSON.stringify(broken));
      }
    });

    it('concurrent calls share one request; a storage that cannot write still answers', async () => {
      let fetches = 0;
      let release: (value: ModelCatalog) => void = () => undefined;
      const storage: CatalogStorage = {
        read: () => undefined,
        write: () => Promise.reject(new Error('disk full')),
      };
      const cache = cacheWith(storage, { t: 0 }, () => {
        fetches++;
        return new Promise<ModelCatalog>((resolve) => (release = resolve));
      });
      const both = Promise.all([cache.get(), cache.get()]);
      release(SERVER);
      const [a, b] = await both;
      assert.equal(fetches, 1);
      assert.deepEqual([a.source, b.source], ['network', 'network']);
    });
  });
});
