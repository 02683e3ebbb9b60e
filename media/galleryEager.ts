// The benchmark's baseline only (test/bench/gallery.ts bundles it on the fly; it is not part of dist/):
// the same page and cards as gallery.ts, but every card rendered eagerly instead of a virtual window.
import { startGallery, type VsCodeApi } from './galleryApp';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('gallery');
if (root) startGallery(root, acquireVsCodeApi(), { virtualize: false });
