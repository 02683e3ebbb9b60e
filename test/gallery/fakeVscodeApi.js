/* global window, document, setTimeout */
// The harness's stand-in for VS Code's webview bridge: `acquireVsCodeApi()` records every message the page
// posts (window.__posted), keeps get/setState in memory (window.__state), and answers `ready` with the
// messages the host posts (a `state`, then `append` messages), the way GalleryPanel does. Tests post further
// host messages with window.__hostPost(message).
// VS Code writes its bridge into the page ahead of the page's own script; the harness writes this one there,
// after a small script with the saved state. The messages are the host's answer to `ready`, so they are asked
// for only then, as GalleryPanel sends them only then: two scripts (named by this script's data-first and
// data-rest attributes, carrying the page's nonce) put the first message and the rest in
// window.__harnessMessages[0] and [1], and each goes out as soon as it is there, in order. Each message
// stays a JSON string until it is delivered, one task after another, as a host's messages are serialized
// until each arrives: parsing costs the page when VS Code would too.
(() => {
  const bridge = document.currentScript;
  const posted = [];
  window.__posted = posted;
  window.__state = window.__harnessSavedState;
  window.__hostPost = (message) => window.postMessage(message, '*');
  let answering = false;
  const load = (src) => {
    const script = document.createElement('script');
    script.nonce = bridge.nonce;
    script.src = src;
    document.head.appendChild(script);
  };
  let part = 0;
  let index = 0;
  const deliverNext = () => {
    const parts = window.__harnessMessages || [];
    const messages = parts[part];
    if (!messages) {
      // The next part is still loading: its script calls back when it is there.
      window.__onHarnessMessages = () => {
        window.__onHarnessMessages = undefined;
        setTimeout(deliverNext, 0);
      };
      return;
    }
    if (index >= messages.length) {
      part += 1;
      index = 0;
      if (part < 2) deliverNext();
      return;
    }
    window.__hostPost(JSON.parse(messages[index]));
    index += 1;
    setTimeout(deliverNext, 0);
  };
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (message && message.type === 'ready' && !answering) {
        answering = true;
        // A page that shows the embedded first screen (the harness's pages are never changed before `ready`)
        // gets the rest only, as GalleryPanel answers it.
        if (message.shown !== undefined) part = 1;
        else load(bridge.dataset.first);
        load(bridge.dataset.rest);
        setTimeout(deliverNext, 0);
      }
    },
    getState: () => window.__state,
    setState: (state) => {
      window.__state = state;
    },
  });
})();
