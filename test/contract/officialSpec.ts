import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The official Apiframe OpenAPI 3.1 spec as a validator, for contract tests. The spec lives outside the
 * repository (`<repo>/../shared/apiframe/openapi.json`, or APIFRAME_OPENAPI_SPEC) and is never copied in;
 * when it is absent `officialSpec()` returns undefined and callers skip with a message.
 *
 * `validate(name, value)` takes a component schema name ('Job', 'JobList', 'GenerateImageRequest', …),
 * `'GenerateImageRequest#<model>'` for one model's branch of the request union (e.g.
 * 'GenerateImageRequest#dall-e-3'), or a JSON pointer into the document ('#/components/schemas/Me').
 * It returns the errors as readable lines; an empty array means valid.
 */
export interface OfficialSpec {
  readonly file: string;
  validate(schemaName: string, value: unknown): string[];
  /** Names of every component schema in the spec. */
  readonly schemaNames: readonly string[];
  /**
   * The JSON-body schema the spec declares for an operation's response, as a name `validate` accepts
   * (a JSON pointer), or undefined when the spec lists no such status for it.
   * e.g. responseSchema('/v2/jobs/{id}', 'get', 404)
   */
  responseSchema(pathTemplate: string, method: string, status: number): string | undefined;
}

const SPEC_ID = 'https://api.apiframe.ai/openapi.json';

export function officialSpecPath(): string {
  const fromEnv = process.env.APIFRAME_OPENAPI_SPEC;
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(repoRoot(), '..', 'shared', 'apiframe', 'openapi.json');
}

/** The repository root: the nearest folder above this file whose package.json is this extension's. */
function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'apiframe-images') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, '..', '..', '..');
    dir = parent;
  }
}

interface SpecDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components: { schemas: Record<string, { oneOf?: { properties?: { model?: { enum?: unknown[] } } }[] }> };
}

let loaded: OfficialSpec | null | undefined;

export function officialSpec(): OfficialSpec | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  const file = officialSpecPath();
  if (!existsSync(file)) {
    loaded = null;
    return undefined;
  }
  const document = JSON.parse(readFileSync(file, 'utf8')) as SpecDocument;
  // strict: false — an OpenAPI document carries keywords (discriminator, example, …) that are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, SPEC_ID);
  const compiled = new Map<string, ValidateFunction>();

  const pointerFor = (schemaName: string): string => {
    if (schemaName.startsWith('#/')) return schemaName;
    const [name = '', model] = schemaName.split('#'); // split() always gives at least one part
    const schema = document.components.schemas[name];
    if (!schema) throw new Error(`the official spec has no component schema ${JSON.stringify(name)}`);
    if (model === undefined) return `#/components/schemas/${name}`;
    const branch = (schema.oneOf ?? []).findIndex((b) => b.properties?.model?.enum?.includes(model));
    if (branch < 0) throw new Error(`${name} has no oneOf branch for model ${JSON.stringify(model)}`);
    return `#/components/schemas/${name}/oneOf/${branch}`;
  };

  loaded = {
    file,
    schemaNames: Object.keys(document.components.schemas),
    responseSchema(pathTemplate: string, method: string, status: number): string | undefined {
      const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
      if (!operation?.responses?.[String(status)]?.content?.['application/json']?.schema) return undefined;
      const segments = ['paths', pathTemplate, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'];
      return `#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    },
    validate(schemaName: string, value: unknown): string[] {
      let validate = compiled.get(schemaName);
      if (!validate) {
        validate = ajv.compile({ $ref: `${SPEC_ID}${pointerFor(schemaName)}` });
        compiled.set(schemaName, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map((e) => {
        const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
        return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
      });
    },
  };
  return loaded;
}
