/* global window, setTimeout */
// The harness's stand-in for VS Code's webview bridge: `acquireVsCodeApi()` records every message the page
// posts (window.__posted), keeps get/setState in memory (window.__state), and answers `ready` with the
// synthetic state, the way GalleryPanel does. Tests post further host messages with window.__hostPost(message).
// The data comes from the page's own data script (window.__harnessData, loaded just before this one): the
// state stays a JSON string until the page asks for it, as a host's message is serialized until it is
// delivered, so parsing it costs the page when VS Code would too — on `ready`, not while the page loads.
(() => {
  const data = window.__harnessData;
  const posted = [];
  window.__posted = posted;
  window.__state = data.savedState;
  window.__hostPost = (message) => window.postMessage(message, '*');
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (message && message.type === 'ready') {
        setTimeout(() => window.__hostPost(JSON.parse(data.stateJson)), 0);
      }
    },
    getState: () => window.__state,
    setState: (state) => {
      window.__state = state;
    },
  });
})();
