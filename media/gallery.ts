import { FIRST_SCREEN_ELEMENT_ID } from '../src/gallery/protocol';
import { startGallery, type VsCodeApi } from './galleryApp';

declare function acquireVsCodeApi(): VsCodeApi;

/** The longest the live page waits for the browser to report the picture on the screen. */
const PICTURE_SHOWN_WAIT_MS = 500;

const root = document.getElementById('gallery');
if (root) {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    startGallery(root, acquireVsCodeApi(), { virtualize: true });
  };
  if (document.getElementById(FIRST_SCREEN_ELEMENT_ID) && document.visibilityState === 'visible') {
    // The host painted the first cards into the HTML: the live page (which replaces them in one task) is built
    // once the browser reports that picture on the screen — its first contentful paint, reported when the
    // frame was presented — so building it neither holds that frame back nor takes the picture away unseen.
    // A page hidden meanwhile gets no frames: it starts at once.
    const painted = new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length === 0) return;
      painted.disconnect();
      setTimeout(start, 0);
    });
    painted.observe({ type: 'paint', buffered: true });
    setTimeout(start, PICTURE_SHOWN_WAIT_MS);
    document.addEventListener('visibilitychange', start, { once: true });
  } else {
    start();
  }
}
