/* global window, document, setTimeout */
// The harness's stand-in for VS Code's webview bridge: `acquireVsCodeApi()` records every message the page
// posts (window.__posted), keeps get/setState in memory (window.__state), and answers `ready` with the
// synthetic state from the page's inert JSON block, the way GalleryPanel does. Tests post further host
// messages with window.__hostPost(message).
(() => {
  const data = JSON.parse(document.getElementById('harness-data').textContent);
  const posted = [];
  window.__posted = posted;
  window.__state = data.savedState;
  window.__hostPost = (message) => window.postMessage(message, '*');
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (message && message.type === 'ready') {
        setTimeout(() => window.__hostPost({ type: 'state', items: data.items, strings: data.strings, locale: data.locale }), 0);
      }
    },
    getState: () => window.__state,
    setState: (state) => {
      window.__state = state;
    },
  });
})();
