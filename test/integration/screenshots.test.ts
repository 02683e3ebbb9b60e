// Checks the screenshot round trip (suite → launcher → PNG files) with a webview of a known colour. Runs only
// when screenshots are on: `npm run test:vscode -- --screenshots DIR`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { screenshotsEnabled, takeScreenshot } from './screenshots';

const PANEL_TITLE = 'Harness Check';
/** A colour no theme uses, so finding it proves the webview's own pixels were captured. */
const MARKER_RGB = [255, 0, 255] as const;

describe('harness: screenshots', function () {
  before(function () {
    if (!screenshotsEnabled()) this.skip();
  });

  it('saves the workbench and a webview found by its title', async () => {
    const panel = vscode.window.createWebviewPanel('apiframeHarnessCheck', PANEL_TITLE, vscode.ViewColumn.One, { enableScripts: true });
    try {
      const ready = new Promise<void>((resolve) => panel.webview.onDidReceiveMessage(() => resolve()));
      panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"></head>
<body style="background: rgb(${MARKER_RGB.join(',')}); margin: 0; height: 100vh"><script>
requestAnimationFrame(() => requestAnimationFrame(() => acquireVsCodeApi().postMessage('painted')));
</script></body></html>`;
      await ready;

      const files = await takeScreenshot('harness-check', { webviewTitle: PANEL_TITLE });
      assert.equal(files.length, 2);
      const [workbench, webview] = files.map((file) => PNG.sync.read(readFileSync(file)));
      assert.ok(workbench && webview);
      assert.ok(workbench.width > webview.width, 'the workbench picture must be wider than the webview alone');
      const centre = (webview.width * Math.floor(webview.height / 2) + Math.floor(webview.width / 2)) * 4;
      assert.deepEqual([...webview.data.subarray(centre, centre + 3)], [...MARKER_RGB], 'the webview picture must show the webview');
    } finally {
      panel.dispose();
    }
  });
});
