// A workspace must not be able to route requests that carry the key through a proxy of its choosing:
// with `http.proxyStrictSSL: false`, a TLS-intercepting proxy would read the key. VS Code itself treats the
// `http.*` proxy settings as application settings (a workspace value is written but not read back), and
// src/settings.ts (proxySettings) reads user values only as a second line of defence; this test guards the
// promise end to end, whichever layer keeps it.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { apiframeConfig, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { waitFor } from './waitFor';

/** A proxy that only records who came (plain requests and CONNECT tunnels) and refuses them all. */
async function startRecordingProxy(): Promise<{ url: string; visits: string[]; stop(): Promise<void> }> {
  const visits: string[] = [];
  const server = http.createServer((request, response) => {
    visits.push(`${request.method} ${request.url}`);
    response.writeHead(502).end();
  });
  server.on('connect', (request: http.IncomingMessage, socket: import('node:net').Socket) => {
    visits.push(`CONNECT ${request.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    visits,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('core flow: workspace proxy settings', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => tearDownHarness(harness));

  it('ignores a proxy (and proxyStrictSSL: false) set by the workspace', async () => {
    const proxy = await startRecordingProxy();
    const settingsFile = vscode.Uri.joinPath(harness.workspace.uri, '.vscode', 'settings.json');
    try {
      // `apiframe.style` (a setting a workspace may set) shows when VS Code has read the hostile file.
      const hostile = { 'http.proxy': proxy.url, 'http.proxyStrictSSL': false, 'http.noProxy': [], 'apiframe.style': 'natural' };
      await vscode.workspace.fs.writeFile(settingsFile, Buffer.from(JSON.stringify(hostile), 'utf8'));
      await waitFor(() => apiframeConfig().get('style') === 'natural', 'the workspace settings to be read');
      const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A lighthouse in fog' });
      assert.equal(records[0]?.phase, 'done', records[0]?.error);
      assert.deepEqual(proxy.visits, [], 'the workspace’s proxy saw our requests');
    } finally {
      await vscode.workspace.fs.delete(settingsFile);
      await waitFor(() => apiframeConfig().get('style') === 'vivid', 'the workspace settings to be gone');
      await proxy.stop();
    }
  });
});
