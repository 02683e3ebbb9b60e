/**
 * Every codicon the gallery page can show. The build ships only these glyphs: esbuild.mjs cuts the codicon font
 * and its CSS down to this list (from ~650 icons, 160 KB), and `icon()` takes only these names, so an icon the
 * page uses but the list lacks is a type error rather than an empty square.
 */
export const GALLERY_ICONS = [
  // card actions
  'save',
  'insert',
  'selection',
  'open-preview',
  'go-to-file',
  'copy',
  'quote',
  'refresh',
  'trash',
  'debug-continue',
  'cloud-upload',
  // phases
  'loading',
  'debug-pause',
  'cloud-download',
  'check',
  'error',
  'history',
  'question',
  // the header, the menu, the empty state, the source row and the grid buttons
  'output',
  'sparkle',
  'search',
  'ellipsis',
  'file-media',
  'screen-full',
  'warning',
] as const;

export type GalleryIcon = (typeof GALLERY_ICONS)[number];
