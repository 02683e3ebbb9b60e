/**
 * The `apiframe.linkTemplates` setting: per VS Code language id, the text inserted instead of the built-in
 * reference (`<picture>…<img src="${path}" …></picture>`, `<Image src="${path}" … />` for next/image).
 *
 * A template may use `${path}`, `${alt}`, `${width}` and `${height}`. Path and alt text are filled in escaped
 * exactly as the language's own reference writes them (`referenceParts` in snippet.ts): a template writes
 * them where the built-in reference has them — inside a double-quoted attribute in HTML/JSX, inside `(…)` /
 * `[…]` in Markdown, inside `url("…")` in CSS — and a hostile alt text or folder name cannot break out.
 * Width and height are the image's pixel size, plain integers. Any other `${…}` is refused, naming the setting
 * and the language, so a typo never lands in a document. Pure (no `vscode`), tested in plain Node.
 */
import { quoteForMessage } from '../shared/text';
import { referenceParts } from './snippet';

export const LINK_TEMPLATE_VARIABLES = ['path', 'alt', 'width', 'height'] as const;
export type LinkTemplateVariable = (typeof LINK_TEMPLATE_VARIABLES)[number];

/** Longer templates are surely a mistake (a pasted file); the bound keeps messages and edits small. */
export const LINK_TEMPLATE_MAX_CHARS = 2000;

const SETTING = 'apiframe.linkTemplates';
const VARIABLE = /\$\{([^}]*)\}/g;
/** Line breaks and tabs are fine in a template (a `<picture>` over several lines); other control characters are not. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export type LinkTemplatesResult =
  | { readonly ok: true; readonly templates: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly message: string };

function refuse(languageId: string, problem: string): LinkTemplatesResult {
  return { ok: false, message: `The template for ${quoteForMessage(languageId, 60)} in the setting ${SETTING} ${problem}` };
}

/**
 * The templates of the setting's value (`undefined` or `{}`: none), by language id, or a message naming the
 * setting, the language and what is wrong (not a string, empty, too long, a control character, an unknown or
 * unclosed variable). An empty string is refused rather than inserting nothing.
 */
export function parseLinkTemplates(value: unknown): LinkTemplatesResult {
  if (value === undefined || value === null) return { ok: true, templates: new Map() };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `The setting ${SETTING} must map language ids to templates, such as { "html": "<img src=\\"\${path}\\" alt=\\"\${alt}\\">" }.` };
  }
  const templates = new Map<string, string>();
  for (const [languageId, template] of Object.entries(value as Record<string, unknown>)) {
    if (typeof template !== 'string') return refuse(languageId, 'must be text in quotes.');
    if (template.trim() === '') return refuse(languageId, 'is empty.');
    if (template.length > LINK_TEMPLATE_MAX_CHARS) return refuse(languageId, `is longer than ${LINK_TEMPLATE_MAX_CHARS} characters.`);
    if (FORBIDDEN_CONTROL.test(template)) return refuse(languageId, 'holds a control or bidi character.');
    for (const match of template.matchAll(VARIABLE)) {
      const name = match[1] ?? '';
      if (!(LINK_TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
        return refuse(languageId, `uses the unknown variable ${quoteForMessage(`\${${name}}`, 60)}; use \${path}, \${alt}, \${width} or \${height}.`);
      }
    }
    if (template.replace(VARIABLE, '').includes('${')) return refuse(languageId, 'has a "${" that is not closed by "}".');
    templates.set(languageId, template);
  }
  return { ok: true, templates };
}

export interface LinkTemplateValues {
  /** The target, as it would be passed to `imageReference` (relative path or site path). */
  readonly target: string;
  /** Free text; cleaned and escaped for the language. */
  readonly altText: string;
  /** Pixel size of the image; a template using one that is unknown gets `''` for it. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * `template` filled in for a document of `languageId` (see the module comment), with line breaks as `\n`
 * (the caller writes the document's own). Throws `ReferenceProblemError` when the target cannot be written in
 * that language at all, like `imageReference`.
 */
export function renderLinkTemplate(languageId: string, template: string, values: LinkTemplateValues): string {
  const parts = referenceParts(languageId, values.target, values.altText);
  const size = (value: number | undefined): string => (value !== undefined && Number.isSafeInteger(value) && value > 0 ? String(value) : '');
  const filled: Readonly<Record<LinkTemplateVariable, string>> = {
    path: parts.path,
    alt: parts.alt,
    width: size(values.width),
    height: size(values.height),
  };
  return template.replace(/\r\n?/g, '\n').replace(VARIABLE, (whole, name: string) => (Object.hasOwn(filled, name) ? filled[name as LinkTemplateVariable] : whole));
}
