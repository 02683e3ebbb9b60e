// The team's credits left, inside VS Code against the emulator: read when the gallery opens and after each
// job, shown in the gallery's header and the status bar's tooltip; and a refused submit (402) that names the
// credits needed and left and offers the page where credits are bought.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../src/gallery/protocol';
import { messagesFrom, runGenerate, setUpGalleryHarness, tearDownGalleryHarness, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { onGalleryTraffic } from './testApi';
import { waitFor } from './waitFor';

type AccountMessage = Extract<HostToWebview, { type: 'account' }>;

describe('credits left: gallery header, status bar tooltip and the 402 message', function () {
  let harness: Harness;
  const accountMessages: AccountMessage[] = [];
  let traffic: vscode.Disposable | undefined;

  before(async () => {
    harness = await setUpGalleryHarness();
    traffic = onGalleryTraffic((seen) => {
      if (seen.kind === 'message' && seen.message.type === 'account') accountMessages.push(seen.message);
    });
  });
  after(async () => {
    traffic?.dispose();
    await tearDownGalleryHarness(harness);
  });

  const meRequests = (): number => harness.emulator.log.where({ path: '/v2/me' }).length;
  const formatted = (credits: number): string => new Intl.NumberFormat(vscode.env.language).format(credits);

  it('after a job, the gallery header and the status bar tooltip show the credits lower by the job’s creditCost', async () => {
    const { core, emulator } = harness;
    const before = emulator.credits(emulator.demoKey);
    const readsBefore = meRequests();
    await vscode.commands.executeCommand('apiframe.showImages');
    await waitFor(() => accountMessages.at(-1)?.credits === before, 'the gallery header to get the credits left', 30_000);
    assert.equal(meRequests() - readsBefore, 1, 'opening the gallery reads the account once');

    const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A red kite over sand dunes' });
    assert.equal(record?.phase, 'done', record?.error);
    const cost = record.creditCost;
    assert.ok(typeof cost === 'number' && cost > 0, 'the emulator charged the job');
    assert.equal(emulator.credits(emulator.demoKey), before - cost);
    await waitFor(() => accountMessages.at(-1)?.credits === before - cost, 'the gallery header to show the lower figure', 30_000);
    const last = accountMessages.at(-1);
    assert.ok(last?.updatedAt && Date.now() - Date.parse(last.updatedAt) < 60_000, 'the header says when it was read');
    assert.equal(last.stale, undefined);
    assert.equal(meRequests() - readsBefore, 2, 'one read for the gallery, one after the job, nothing else');

    if (screenshotsEnabled()) {
      const files = await takeScreenshot('gallery-credits', { webviewTitle: 'Apiframe Images' });
      assert.equal(files.length, 2);
    }

    // The status bar item shows while a job runs; its tooltip ends with the credits left (as read before it).
    const running = runGenerate('apiframe.generateFromSelection', { prompt: 'A second kite' });
    await waitFor(() => core.services.statusBar.shownTooltip !== undefined, 'the status bar to show the running job', 30_000);
    const tooltip = core.services.statusBar.shownTooltip ?? '';
    const [second] = await running;
    const line = tooltip.split('\n').at(-1) ?? '';
    const debug = `${tooltip} | ${JSON.stringify(core.services.credits.reading)} | ${core.services.statusBar.creditsLine ?? 'no line'}`;
    assert.ok(line.startsWith(`Credits left: ${formatted(before - cost)} (updated `), debug);
    assert.ok(!tooltip.includes(emulator.demoKey));
    assert.equal(second?.phase, 'done', second?.error);
  });

  it('a 402 names the credits needed and left, offers Buy Credits (Apiframe’s site), and the figure follows', async () => {
    const { core, emulator, ui } = harness;
    const credits = emulator.credits(emulator.demoKey);
    // Nothing of the first test still runs (a running job would hold credits back from the 402's figure).
    emulator.setCredits(emulator.demoKey, 3);
    const messages = messagesFrom(ui);
    const opened = ui.openedExternally.length;
    ui.answer({ message: ['Buy Credits'] });
    try {
      const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A blue kite in a storm' });
      assert.equal(record?.phase, 'failed');
      const error = messages.last('error');
      assert.ok(error, 'an error message');
      assert.equal(error.text, 'Not enough Apiframe credits: this image needs 8, the team has 3 left.');
      assert.deepEqual(error.actions, ['Buy Credits', 'Show Log'], 'a new key does not fix missing credits');
      await waitFor(() => ui.openedExternally.length > opened, 'Buy Credits to open a page');
      const page = ui.openedExternally.at(-1);
      assert.equal(page?.scheme, 'https');
      assert.equal(page.authority, 'apiframe.ai');
      // The refused submit reads the account again: the header and the tooltip follow the 402's figure.
      await waitFor(() => core.services.credits.reading.credits === 3, 'the credits to be read again after the refused submit', 30_000);
      await waitFor(() => accountMessages.at(-1)?.credits === 3, 'the gallery header to show 3', 30_000);
      assert.match(core.services.statusBar.creditsLine ?? '', /^Credits left: 3 \(updated /);
    } finally {
      ui.answer({});
      emulator.setCredits(emulator.demoKey, credits);
    }
  });
});
