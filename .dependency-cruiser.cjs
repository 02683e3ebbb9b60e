/**
 * The architecture the README describes ("Where things are"), checked by `npm run lint` with
 * dependency-cruiser. Type-only imports count: a type pulls its module's meaning (and, without care, its
 * code) across a boundary as surely as a value does. Each rule's `comment` is what a violation prints, so it
 * says why the rule exists.
 */

/** Modules that need the editor's API; the pure layers are tested in plain Node and must never load it. */
const VSCODE = '^vscode$';
const PURE_LAYERS = '^src/(apiframe|jobs|workspace|shared|models|imageMetadata|startup)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'Cycles make the load order matter and hide which part depends on which: a module may not (even through ' +
        'types) import something that imports it back. Move the shared piece down (e.g. into src/shared/).',
      from: { path: '^(src|media)/' },
      to: { circular: true },
    },
    {
      name: 'pure-layers-without-vscode',
      severity: 'error',
      comment:
        'src/apiframe, src/jobs, src/workspace, src/models, src/imageMetadata and src/shared are tested in plain Node and reused by tools: they ' +
        'take plain values and never import `vscode`. Keep editor calls in src/commands, src/gallery or the ' +
        'services that wrap them.',
      from: { path: PURE_LAYERS },
      to: { path: VSCODE },
    },
    {
      name: 'apiframe-is-the-bottom',
      severity: 'error',
      comment:
        'src/apiframe is the HTTP client of the Apiframe API: it may use only src/shared basics, so it stays a ' +
        'library the job layer, the commands and the tests can all sit on (never the other way round).',
      from: { path: '^src/apiframe/' },
      to: { path: '^src/', pathNot: '^src/(apiframe|shared|types)/' },
    },
    {
      name: 'jobs-below-the-ui',
      severity: 'error',
      comment:
        'src/jobs (journal, cache, manager) is the layer that never loses a paid job: it may use the client and ' +
        'shared basics, but nothing from commands, the gallery, the editor or the workspace writers.',
      from: { path: '^src/jobs/' },
      to: { path: '^src/', pathNot: '^src/(jobs|apiframe|shared|types)/' },
    },
    {
      name: 'models-on-the-client',
      severity: 'error',
      comment:
        'src/models (catalog cache, costs, candidates, per-model parameters) works on plain values over the client\'s ' +
        'types: it may use src/apiframe and src/shared, nothing from jobs, commands, the gallery or the editor — the ' +
        'UI asks it questions, never the other way round.',
      from: { path: '^src/models/' },
      to: { path: '^src/', pathNot: '^src/(models|apiframe|shared|types)/' },
    },
    {
      name: 'image-metadata-on-bytes',
      severity: 'error',
      comment:
        'src/imageMetadata writes and reads the request inside image bytes (PNG chunks, XMP): it checks what it reads ' +
        'against the client\'s model schemas, so it may use src/apiframe and src/shared — never jobs, commands, the ' +
        'gallery or the editor, so a crafted file is tested against it in plain Node.',
      from: { path: '^src/imageMetadata/' },
      to: { path: '^src/', pathNot: '^src/(imageMetadata|apiframe|shared|types)/' },
    },
    {
      name: 'workspace-takes-plain-values',
      severity: 'error',
      comment:
        'src/workspace computes file names, destinations, references and edits from bytes, paths and plain ' +
        'values: no job records, no client, no commands — so every rule about what lands in a user\'s project ' +
        'is testable on its own.',
      from: { path: '^src/workspace/' },
      to: { path: '^src/', pathNot: '^src/(workspace|shared)/' },
    },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'src/shared holds the basics every layer uses (logger type, guards, error text, job phases): it imports nothing of ours.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'startup-is-a-leaf',
      severity: 'error',
      comment:
        'src/startup is bundled into the start-up bundle (dist/extension.js), which every window evaluates: it ' +
        'imports nothing of ours, so nothing heavy reaches activation through it.',
      from: { path: '^src/startup/' },
      to: { path: '^src/', pathNot: '^src/startup/' },
    },
    {
      name: 'webview-page-talks-protocol-only',
      severity: 'error',
      comment:
        'media/ is the gallery page running in the webview: it may import only the typed webview protocol (and ' +
        'browser code of its own). Anything else would be bundled into the page or couple it to the host.',
      from: { path: '^media/' },
      to: { path: '^src/', pathNot: '^src/gallery/protocol\\.ts$' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Shipped code never imports from test/: test seams are passed in from outside, never reached for.',
      from: { path: '^(src|media)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
