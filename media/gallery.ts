import { FIRST_CARD_TIMING, FIRST_SCREEN_ELEMENT_ID } from '../src/gallery/protocol';
import { startGallery, type VsCodeApi } from './galleryApp';

declare function acquireVsCodeApi(): VsCodeApi;

/** The longest the live page waits for the browser to report the picture on the screen. */
const PICTURE_SHOWN_WAIT_MS = 500;

/** Whether `entry` is the Element Timing entry of the picture's first card. */
function isFirstCard(entry: PerformanceEntry): boolean {
  return 'identifier' in entry && entry.identifier === FIRST_CARD_TIMING;
}

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
    // once the browser reports the picture's first card on the screen (Element Timing, reported when the frame
    // was presented; the stylesheet shows the cards a frame after the header), so building it neither holds
    // that frame back nor takes the picture away unseen. Without Element Timing, the first contentful paint
    // (the header) stands in. A page hidden meanwhile gets no frames: it starts at once.
    const byCard = PerformanceObserver.supportedEntryTypes.includes('element');
    const painted = new PerformanceObserver((list) => {
      const shown = byCard ? list.getEntries().some(isFirstCard) : list.getEntriesByName('first-contentful-paint').length > 0;
      if (!shown) return;
      painted.disconnect();
      setTimeout(start, 0);
    });
    painted.observe({ type: byCard ? 'element' : 'paint', buffered: true });
    setTimeout(start, PICTURE_SHOWN_WAIT_MS);
    document.addEventListener('visibilitychange', start, { once: true });
  } else {
    start();
  }
}
