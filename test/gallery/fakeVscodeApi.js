/* global window, setTimeout */
// The harness's stand-in for VS Code's webview bridge: `acquireVsCodeApi()` records every message the page
// posts (window.__posted), keeps get/setState in memory (window.__state), and answers `ready` with the
// messages the host posts (a `state`, then `append` messages), the way GalleryPanel does. Tests post further
// host messages with window.__hostPost(message).
// The saved state comes from a small script loaded before this one; the messages from the page's async data
// script (window.__harnessData), which may still be loading when the page posts `ready` — then they go out as
// soon as it is there. Each message stays a JSON string until it is delivered, one task after another, as a
// host's messages are serialized until each arrives: parsing costs the page when VS Code would too.
(() => {
  const posted = [];
  window.__posted = posted;
  window.__state = window.__harnessSavedState;
  window.__hostPost = (message) => window.postMessage(message, '*');
  const deliverFrom = (index) => {
    const messages = window.__harnessData.messagesJson;
    if (index >= messages.length) return;
    window.__hostPost(JSON.parse(messages[index]));
    setTimeout(() => deliverFrom(index + 1), 0);
  };
  const answerReady = () => setTimeout(() => deliverFrom(0), 0);
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (message && message.type === 'ready') {
        if (window.__harnessData) answerReady();
        else window.__onHarnessData = answerReady;
      }
    },
    getState: () => window.__state,
    setState: (state) => {
      window.__state = state;
    },
  });
})();
