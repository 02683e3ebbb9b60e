import { FIRST_SCREEN_ELEMENT_ID } from '../src/gallery/protocol';
import { startGallery, type VsCodeApi } from './galleryApp';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('gallery');
if (root) {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    startGallery(root, acquireVsCodeApi(), { virtualize: true });
  };
  if (document.getElementById(FIRST_SCREEN_ELEMENT_ID) && document.visibilityState === 'visible') {
    // The host painted the first cards into the HTML: let the browser show them before building the live
    // page (which replaces them in one task), rather than holding the first frame until the script is done.
    // A page hidden meanwhile gets no frames: it starts at once.
    requestAnimationFrame(() => setTimeout(start, 0));
    document.addEventListener('visibilitychange', start, { once: true });
  } else {
    start();
  }
}
