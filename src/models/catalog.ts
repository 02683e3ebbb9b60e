/**
 * The image model catalog: `GET /v2/models` narrowed to the image models this extension can build requests for,
 * cached with a time to live in a storage the caller provides (global state in the extension, a Map in tests),
 * usable offline from the last copy and, on the very first start, from the built-in list. Pure: the storage, the
 * clock and the fetch are passed in.
 */
import { IMAGE_MODELS, isImageModelId, type ImageModelFamily, type ImageModelId } from '../apiframe/imageModels';
import type { ModelCatalog, ModelCatalogEntry } from '../apiframe/types';
import { isPlainObject } from '../shared/guards';
import { fallbackImageCatalog } from './fallbackCatalog';

export type PricingMode = NonNullable<ModelCatalogEntry['pricingMode']>;

/** One image model as the picker shows it. Costs are per job with one image, in the API's credit unit. */
export interface ImageCatalogEntry {
  readonly id: ImageModelId;
  readonly label: string;
  readonly family: ImageModelFamily;
  readonly description?: string;
  readonly costMin?: number;
  readonly costMax?: number;
  readonly pricingMode?: PricingMode;
}

const PRICING_MODES: readonly PricingMode[] = ['flat', 'per-second', 'per-output'];
/** Longest label and description kept from the server (they end up in a quick pick). */
const MAX_LABEL = 80;
const MAX_DESCRIPTION = 300;

/**
 * The image models of a catalog that this extension knows how to call, each once, in the server's order.
 * Entries of another modality, unknown ids (a model added after this version) and duplicates are left out;
 * a cost that is not a finite non-negative number is dropped (the entry stays, without a price), and a range
 * given upside down is put right.
 */
export function imageModelsOf(catalog: { readonly models: readonly unknown[] }): ImageCatalogEntry[] {
  const seen = new Set<string>();
  const entries: ImageCatalogEntry[] = [];
  for (const raw of catalog.models) {
    const entry = toImageEntry(raw);
    if (!entry || seen.has(entry.id)) continue;
    seen.add(entry.id);
    entries.push(entry);
  }
  return entries;
}

function toImageEntry(raw: unknown): ImageCatalogEntry | undefined {
  if (!isPlainObject(raw) || raw.modality !== 'image' || !isImageModelId(raw.id)) return undefined;
  const id = raw.id;
  const label = typeof raw.label === 'string' && raw.label.trim() ? raw.label.trim().slice(0, MAX_LABEL) : id;
  const cost = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);
  let costMin = cost(raw.costMin);
  let costMax = cost(raw.costMax);
  if (costMin !== undefined && costMax !== undefined && costMin > costMax) [costMin, costMax] = [costMax, costMin];
  const pricingMode = PRICING_MODES.find((mode) => mode === raw.pricingMode);
  return {
    id,
    label,
    family: IMAGE_MODELS[id].family,
    ...(typeof raw.description === 'string' && raw.description.trim() ? { description: raw.description.trim().slice(0, MAX_DESCRIPTION) } : {}),
    ...(costMin !== undefined ? { costMin } : {}),
    ...(costMax !== undefined ? { costMax } : {}),
    ...(pricingMode !== undefined ? { pricingMode } : {}),
  };
}

/** The built-in list (every image model of the spec), for the first start without network. */
export function fallbackImageModels(): ImageCatalogEntry[] {
  return imageModelsOf({ models: fallbackImageCatalog() });
}

/** What the cache keeps in storage: plain JSON. */
export interface StoredCatalog {
  /** Clock time (ms) of the answer. */
  readonly fetchedAt: number;
  readonly models: readonly ImageCatalogEntry[];
}

/** Where the cache keeps its copy (global state in the extension). `read` returns what `write` was given, or anything. */
export interface CatalogStorage {
  read(): unknown;
  write(value: StoredCatalog): void | Promise<void>;
}

/** Where the models came from: fresh from the server, a cached copy (fresh or past its TTL), or the built-in list. */
export type CatalogSource = 'network' | 'cache' | 'stale-cache' | 'fallback';

export interface CatalogSnapshot {
  readonly models: readonly ImageCatalogEntry[];
  readonly source: CatalogSource;
  /** When the server answered (absent for the built-in list). */
  readonly fetchedAt?: number;
  /** Why the server could not be asked, when `source` is `stale-cache` or `fallback` after a failed fetch. */
  readonly error?: unknown;
}

export interface ModelCatalogCacheOptions {
  readonly storage: CatalogStorage;
  /** `GET /v2/models?modality=image` (the catalog client's `listModels`). */
  readonly fetchCatalog: (signal?: AbortSignal) => Promise<ModelCatalog>;
  /** Clock in ms (Date.now in the extension). */
  readonly now: () => number;
  /** How long a copy counts as fresh. Default 24 h: prices change rarely, and a stale range is still shown. */
  readonly ttlMs?: number;
}

export const DEFAULT_CATALOG_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The catalog with a TTL. `get()` answers from a fresh copy without the network; past the TTL (or with
 * `refresh`) it asks the server, stores the answer and falls back to the last copy, else the built-in list,
 * when the server cannot be reached — so the picker always has models to show. Concurrent calls share one request.
 */
export class ModelCatalogCache {
  private inFlight: Promise<CatalogSnapshot> | undefined;
  private readonly ttlMs: number;

  constructor(private readonly options: ModelCatalogCacheOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CATALOG_TTL_MS;
  }

  /** The best copy available now without the network: the stored one (fresh or stale), else the built-in list. */
  peek(): CatalogSnapshot {
    const stored = this.stored();
    if (!stored) return { models: fallbackImageModels(), source: 'fallback' };
    return { models: stored.models, source: this.isFresh(stored) ? 'cache' : 'stale-cache', fetchedAt: stored.fetchedAt };
  }

  async get(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<CatalogSnapshot> {
    const stored = this.stored();
    if (stored && options.refresh !== true && this.isFresh(stored)) return { models: stored.models, source: 'cache', fetchedAt: stored.fetchedAt };
    this.inFlight ??= this.fetch(stored, options.signal).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(stored: StoredCatalog | undefined, signal: AbortSignal | undefined): Promise<CatalogSnapshot> {
    let catalog: ModelCatalog;
    try {
      catalog = await this.options.fetchCatalog(signal);
    } catch (error) {
      if (stored) return { models: stored.models, source: 'stale-cache', fetchedAt: stored.fetchedAt, error };
      return { models: fallbackImageModels(), source: 'fallback', error };
    }
    const models = imageModelsOf(catalog);
    const fetchedAt = this.options.now();
    // An answer with no model we can call is not a catalog to keep (a misconfigured proxy, a server under
    // maintenance): keep what we had rather than leave the picker empty.
    if (models.length === 0) {
      const error = new Error('The model catalog lists no image model this extension supports.');
      if (stored) return { models: stored.models, source: 'stale-cache', fetchedAt: stored.fetchedAt, error };
      return { models: fallbackImageModels(), source: 'fallback', error };
    }
    const copy: StoredCatalog = { fetchedAt, models };
    try {
      await this.options.storage.write(copy);
    } catch {
      // Not being able to store the copy costs one request next time; the answer is still good now.
    }
    return { models, source: 'network', fetchedAt };
  }

  private isFresh(stored: StoredCatalog): boolean {
    const age = this.options.now() - stored.fetchedAt;
    // A copy from the future (the clock was set back) is not trusted to be fresh.
    return age >= 0 && age < this.ttlMs;
  }

  /** The stored copy, re-checked: storage written by another version, or edited by hand, is not trusted. */
  private stored(): StoredCatalog | undefined {
    let value: unknown;
    try {
      value = this.options.storage.read();
    } catch {
      return undefined;
    }
    if (!isPlainObject(value) || typeof value.fetchedAt !== 'number' || !Number.isFinite(value.fetchedAt) || !Array.isArray(value.models)) {
      return undefined;
    }
    const models = imageModelsOf({ models: value.models.map((m: unknown) => (isPlainObject(m) ? { ...m, modality: 'image' } : m)) });
    return models.length > 0 ? { fetchedAt: value.fetchedAt, models } : undefined;
  }
}

/** The entry of one model in a snapshot, else in the built-in list (a model the server stopped listing keeps a price). */
export function catalogEntryFor(models: readonly ImageCatalogEntry[], id: ImageModelId): ImageCatalogEntry {
  return models.find((m) => m.id === id) ?? fallbackImageModels().find((m) => m.id === id) ?? { id, label: id, family: IMAGE_MODELS[id].family };
}

/** Models grouped by family, families in the order of their first model (what a grouped quick pick needs). */
export function groupByFamily(models: readonly ImageCatalogEntry[]): { family: ImageModelFamily; models: ImageCatalogEntry[] }[] {
  const groups = new Map<ImageModelFamily, ImageCatalogEntry[]>();
  for (const model of models) {
    const group = groups.get(model.family);
    if (group) group.push(model);
    else groups.set(model.family, [model]);
  }
  return [...groups].map(([family, list]) => ({ family, models: list }));
}

/** Family names as the picker's group headers show them (brand names: the same in every language). */
export const FAMILY_LABELS: Readonly<Record<ImageModelFamily, string>> = {
  midjourney: 'Midjourney',
  'nano-banana': 'Nano Banana (Google)',
  flux: 'FLUX (Black Forest Labs)',
  seedream: 'Seedream (ByteDance)',
  ideogram: 'Ideogram',
  'stable-diffusion': 'Stable Diffusion',
  imagen: 'Imagen (Google)',
  'dall-e': 'DALL·E (OpenAI)',
  'gpt-image': 'GPT Image (OpenAI)',
  kling: 'Kling',
  qwen: 'Qwen',
  wan: 'Wan',
  grok: 'Grok (xAI)',
  reve: 'Reve',
  'flux-lora': 'FLUX LoRA',
};
