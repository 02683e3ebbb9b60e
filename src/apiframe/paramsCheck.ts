/**
 * Checks a value against one parameter block of `imageModels.ts` — the small JSON Schema subset those blocks use
 * (type, enum, pattern, maxLength, uri/uuid formats, minimum/maximum, maxItems, required, no extra properties).
 * Hand-written so the extension ships no schema library; the tests run the same schemas through ajv and compare.
 */
import { isPlainObject } from '../shared/guards';
import type { ParamSchema, ParamsBlockSchema } from './imageModels';

export interface ParamProblem {
  /** Property names from the block down, e.g. ['input_images', '2']; [] for the block itself. */
  readonly path: readonly string[];
  /** One sentence in English (the UI words its own message from `kind` and the schema where it needs to). */
  readonly message: string;
  readonly kind: 'notObject' | 'unknown' | 'required' | 'type' | 'enum' | 'range' | 'length' | 'format' | 'pattern' | 'items';
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Every problem of `value` as the parameter block `schema`; [] when it is valid. */
export function checkParams(schema: ParamsBlockSchema, value: unknown): ParamProblem[] {
  if (!isPlainObject(value)) return [{ path: [], message: 'must be an object', kind: 'notObject' }];
  const problems: ParamProblem[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) problems.push({ path: [name], message: 'is required', kind: 'required' });
  }
  for (const [name, entry] of Object.entries(value)) {
    const property = Object.prototype.hasOwnProperty.call(schema.properties, name) ? schema.properties[name] : undefined;
    if (!property) {
      problems.push({ path: [name], message: 'is not a parameter of this model', kind: 'unknown' });
      continue;
    }
    problems.push(...checkParam(property, entry, [name]));
  }
  return problems;
}

/** Every problem of one parameter value; [] when it is valid. */
export function checkParam(schema: ParamSchema, value: unknown, path: readonly string[] = []): ParamProblem[] {
  const problem = (kind: ParamProblem['kind'], message: string, at = path): ParamProblem[] => [{ path: at, message, kind }];
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return problem('type', 'must be a string');
      if (schema.enum && !schema.enum.includes(value)) return problem('enum', `must be one of ${schema.enum.map((v) => `"${v}"`).join(', ')}`);
      if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
        return problem('length', `must be at most ${schema.maxLength} characters`);
      }
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
        return problem('pattern', schema.pattern === '^\\d+:\\d+$' ? 'must be a ratio like "16:9"' : `must match ${schema.pattern}`);
      }
      if (schema.format === 'uri' && !isUri(value)) return problem('format', 'must be an absolute URL');
      if (schema.format === 'uuid' && !UUID.test(value)) return problem('format', 'must be a UUID');
      return [];
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return problem('type', 'must be a number');
      if (schema.type === 'integer' && !Number.isInteger(value)) return problem('type', 'must be a whole number');
      const below = schema.minimum !== undefined && value < schema.minimum;
      const above = schema.maximum !== undefined && value > schema.maximum;
      if (below || above) return problem('range', rangeText(schema));
      return [];
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : problem('type', 'must be true or false');
    default: {
      if (value === null && Array.isArray(schema.type)) return [];
      if (!Array.isArray(value)) return problem('type', 'must be a list of image URLs');
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return problem('items', `must hold at most ${schema.maxItems} URLs`);
      return value.flatMap((item: unknown, index) =>
        typeof item === 'string' && isUri(item) ? [] : problem('format', 'must be an absolute URL', [...path, String(index)]),
      );
    }
  }
}

function rangeText(schema: { minimum?: number; maximum?: number }): string {
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `must be from ${schema.minimum} to ${schema.maximum}`;
  if (schema.minimum !== undefined) return `must be at least ${schema.minimum}`;
  return `must be at most ${String(schema.maximum)}`;
}

/** An absolute URI (a scheme, no spaces) that the WHATWG parser accepts. */
function isUri(text: string): boolean {
  if (!URI_SCHEME.test(text) || /\s/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}
