// A job that waits for the user's decision, inside VS Code: the gallery card and the notification say why and
// offer Look Again and (when an earlier submit may have created a job) Submit Anew, which asks first and then
// submits exactly once with the record's own idempotency key. The records are written into the journal on disk
// and the job manager reloaded, so this checks what the user sees and does, not how the manager comes to ask.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { afterJob } from '../../src/commands/afterJob';
import type { GalleryPanel, GalleryTraffic } from '../../src/gallery/galleryPanel';
import { Journal } from '../../src/jobs/journal';
import type { JobDecision, JobRecord } from '../../src/jobs/types';
import type { Logger } from '../../src/shared/logger';
import type { GalleryItem, GalleryStrings } from '../../src/gallery/protocol';
import { emulatorJob, messagesFrom, setUpGalleryHarness, tearDownGalleryHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { takeScreenshot } from './screenshots';
import { hostMessageOf, onGalleryTraffic } from './testApi';

const UNKNOWN_SUBMIT_REASON = 'Apiframe’s job list did not answer, so it is not known whether the earlier submit created a job.';
const UNREADABLE_REASON = 'Apiframe reports the job as completed, but its result is in a shape this version cannot read.';

const quietLog: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => console.log(`journal: ${message}`),
  error: (message) => console.log(`journal: ${message}`),
};

function waitingRecord(prompt: string, decision: JobDecision, interruption: string): JobRecord {
  const localId = randomUUID();
  return {
    localId,
    idempotencyKey: localId,
    prompt,
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: new Date().toISOString(),
    phase: 'needs-decision',
    decision,
    interruption,
  };
}

/**
 * Writes the records into the journal in the extension's global storage (as another window would) and reloads
 * the job manager from it, as a restart would. Returns the records as the new manager holds them.
 */
async function putIntoJournal(harness: Harness, records: readonly JobRecord[]): Promise<JobRecord[]> {
  const journal = new Journal({ dir: harness.core.services.host.context.globalStorageUri.fsPath, log: quietLog });
  await journal.load();
  for (const record of records) journal.put(record);
  await journal.save();
  await journal.close();
  const manager = await harness.core.restartJobs();
  return records.map((record) => {
    const loaded = manager.get(record.localId);
    assert.ok(loaded, `the reloaded manager knows ${record.prompt}`);
    assert.equal(loaded.phase, 'needs-decision', 'a record waiting for a decision is not resumed at start-up');
    return loaded;
  });
}

function submitsWithKey(harness: Harness, key: string): number {
  return harness.emulator.log.where({ method: 'POST', path: '/v2/images/generate', idempotencyKey: key }).length;
}

async function assertCachedFromEmulator(harness: Harness, record: JobRecord): Promise<void> {
  const cached = (await harness.core.jobs()).cachedFilePath(record, 0);
  assert.ok(cached, 'the image is cached');
  assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(cached))), emulatorJob(harness.emulator, record).imageBytes[0]);
}

describe('needs-decision: the gallery card, the notification and Submit Anew', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpGalleryHarness();
  });
  after(() => tearDownGalleryHarness(harness));

  it('shows the card with its reason, Look Again and Submit Anew; Submit Anew asks first, then submits once', async () => {
    const { core, ui } = harness;
    const [record] = await putIntoJournal(harness, [waitingRecord('A tide pool at low tide, gouache', 'unknown-submit', UNKNOWN_SUBMIT_REASON)]);
    assert.ok(record);

    // What the host hands the page: the card's view model and the labels.
    const traffic: GalleryTraffic[] = [];
    const subscription = onGalleryTraffic((sent) => traffic.push(sent));
    let gallery: GalleryPanel | undefined;
    try {
      gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages', { reveal: record.localId });
      assert.ok(gallery);
      // What the page shows: the card and its buttons, read from its DOM.
      const report = await gallery.waitForReport((r) => r.localIds.includes(record.localId));
      assert.deepEqual(report.buttons[report.localIds.indexOf(record.localId)], ['resume', 'submitAnew', 'copyPrompt', 'delete']);
    } finally {
      subscription.dispose();
    }
    const state = traffic.flatMap((t) => {
      const message = hostMessageOf(t);
      return message?.type === 'state' ? [message] : [];
    }).at(-1);
    assert.ok(state, 'the page received the history');
    const item: GalleryItem | undefined = state.items.find((i) => i.localId === record.localId);
    assert.ok(item, 'the page received the card');
    assert.equal(item.phase, 'needs-decision');
    assert.equal(item.decision, 'unknown-submit');
    assert.equal(item.interruption, UNKNOWN_SUBMIT_REASON, 'the reason is on the card');
    const strings: GalleryStrings = state.strings;
    assert.equal(strings.phases['needs-decision'], 'Needs your decision');
    assert.equal(strings.lookAgain, 'Look Again', 'Resume reads Look Again on this card');
    assert.equal(strings.actions.submitAnew, 'Submit Anew…');
    await takeScreenshot('needs-decision', { webviewTitle: 'Apiframe Images' });

    // Cancel in the confirmation: nothing is sent.
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    assert.equal(await core.galleryActions.submitAnew(record.localId), undefined);
    const confirmation = messages.last('warning');
    assert.ok(confirmation, 'a confirmation was shown');
    assert.deepEqual(confirmation.actions, ['Submit Anew'], 'a modal: Submit Anew, or Cancel');
    assert.match(confirmation.text, /A tide pool at low tide/);
    assert.match(confirmation.text, /may create a second job and charge for it too/);
    assert.equal(submitsWithKey(harness, record.idempotencyKey), 0, 'cancelled: no submit');
    assert.equal((await core.jobs()).get(record.localId)?.phase, 'needs-decision');

    // Confirm: one submit with the record's key, the image cached, the card done.
    ui.answer({ message: ['Submit Anew'] });
    const settled = (await core.galleryActions.submitAnew(record.localId)) as JobRecord | undefined;
    assert.equal(settled?.phase, 'done', settled?.error ?? settled?.interruption);
    assert.equal(submitsWithKey(harness, record.idempotencyKey), 1, 'exactly one submit, with the record’s idempotency key');
    assert.equal(harness.emulator.jobs().filter((j) => j.idempotencyKey === record.idempotencyKey).length, 1);
    await assertCachedFromEmulator(harness, settled);
    const after = await gallery.waitForReport((r) => r.loadedImages.includes(record.localId), 30_000);
    assert.ok(!after.buttons[after.localIds.indexOf(record.localId)]?.includes('submitAnew'), 'a done card offers no Submit Anew');
  });

  it('the notification names the job and the reason, and offers the choices that fit', async () => {
    const { core, ui } = harness;
    const [unknown, unreadable] = await putIntoJournal(harness, [
      waitingRecord('A paper boat on a puddle, ink', 'unknown-submit', UNKNOWN_SUBMIT_REASON),
      waitingRecord('A cactus in a snow globe, ink', 'unreadable-result', UNREADABLE_REASON),
    ]);
    assert.ok(unknown && unreadable);
    const messages = messagesFrom(ui);

    // A result that could not be read: Look Again and the log, never a submit.
    ui.answer({ message: [undefined] });
    await afterJob(core.services, unreadable);
    const unreadableWarning = messages.last('warning');
    assert.ok(unreadableWarning);
    assert.match(unreadableWarning.text, /"A cactus in a snow globe, ink" needs your decision/);
    assert.ok(unreadableWarning.text.includes(UNREADABLE_REASON), unreadableWarning.text);
    assert.deepEqual(unreadableWarning.actions, ['Look Again', 'Show Log']);

    // An unknown submit: Look Again and Submit Anew…; choosing it asks first, then submits once.
    const shownBefore = ui.messages.length;
    ui.answer({ message: ['Submit Anew…', 'Submit Anew'] });
    await afterJob(core.services, unknown);
    const settledPhases = new Set(['done', 'failed', 'expired', 'detached']);
    const done = await waitForRecord(core, unknown.localId, (r) => settledPhases.has(r.phase), 'the job submitted anew to settle');
    assert.equal(done.phase, 'done', done.error ?? done.interruption);
    const [warning, confirmation] = ui.messages.slice(shownBefore);
    assert.ok(warning && confirmation, 'the notification, then the confirmation');
    assert.match(warning.text, /"A paper boat on a puddle, ink" needs your decision/);
    assert.ok(warning.text.includes(UNKNOWN_SUBMIT_REASON), warning.text);
    assert.deepEqual(warning.actions, ['Look Again', 'Submit Anew…']);
    assert.deepEqual(confirmation.actions, ['Submit Anew']);
    assert.equal(submitsWithKey(harness, unknown.idempotencyKey), 1, 'exactly one submit, with the record’s idempotency key');
    await assertCachedFromEmulator(harness, done);
    assert.equal(submitsWithKey(harness, unreadable.idempotencyKey), 0, 'the unreadable result was never submitted');
  });
});
