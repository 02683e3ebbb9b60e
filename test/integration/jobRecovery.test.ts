// Nothing paid for is lost, and every failure says what happened: cancel → resume, restart recovery,
// the status-bar count, and each server error's own message — inside VS Code, against the emulator.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobManager } from '../../src/jobs/managerApi';
import type { JobRecord } from '../../src/jobs/types';
import { emulatorJob, messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { suiteKey } from './leakRegistry';
import { waitFor } from './waitFor';

describe('core flow: cancel, resume and restart', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => {
    await tearDownHarness(harness);
  });

  it('shows the running job in the status bar, and Cancel only stops waiting', async () => {
    const { core, emulator } = harness;
    emulator.faults.nextJob({ kind: 'stuck' });
    const running = runGenerate('apiframe.generateFromSelection', { prompt: 'A lantern that never finishes' });
    await waitFor(() => /^\$\(sync~spin\) (Queued|Generating)/.test(core.services.statusBar.shownText ?? ''), 'the status bar to show the running job');
    core.services.progress.cancelAll();
    const [record] = await running;
    assert.equal(record?.phase, 'detached');
    assert.equal(core.services.statusBar.shownText, undefined, 'no running job → no status-bar item');
    // The "Stopped waiting… Resume" notice (progressTruth.test.ts follows it further).
    await waitFor(() => core.services.progress.stoppedNotices.includes(record.localId), 'a notice says the job keeps running, with Resume');
    assert.ok(['QUEUED', 'PROCESSING'].includes(emulatorJob(emulator, record).status), 'the job keeps running on Apiframe');
  });

  it('resumes a cancelled job and gets the same job’s image, without a second job or charge', async () => {
    const { core, emulator } = harness;
    // Cancel as soon as the submit was answered (synchronously, so the job cannot finish first).
    const subscription = core.services.progress.onDidReport((report) => {
      if (report.stage !== 'submitting') core.services.progress.cancelAll();
    });
    let records: JobRecord[];
    try {
      records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A windmill in a tulip field' });
    } finally {
      subscription.dispose();
    }
    assert.equal(records.length, 1);
    const [detached] = records;
    assert.ok(detached, 'one job record');
    assert.equal(detached.phase, 'detached');
    assert.ok(detached.jobId, 'the submit was answered before the cancel');

    const resumed = await vscode.commands.executeCommand<JobRecord>('apiframe.resumeJob', detached.localId);
    assert.equal(resumed?.phase, 'done', resumed?.error);
    assert.equal(resumed.jobId, detached.jobId);
    const job = emulatorJob(emulator, resumed);
    assert.equal(emulator.jobs().filter((j) => j.idempotencyKey === detached.idempotencyKey).length, 1);
    const manager = await core.jobs();
    const cached = manager.cachedFilePath(resumed, 0);
    assert.ok(cached);
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(cached))), job.imageBytes[0]);
  });

  it('recovers a job in flight when the job manager is re-created on the same storage', async () => {
    const { core, emulator } = harness;
    const prompt = 'A hot-air balloon over vineyards';
    let restarted: Promise<JobManager> | undefined;
    const subscription = core.services.progress.onDidReport((report) => {
      if (report.stage !== 'submitting') restarted ??= core.restartJobs();
    });
    let records: JobRecord[];
    try {
      records = await runGenerate('apiframe.generateFromSelection', { prompt });
    } finally {
      subscription.dispose();
    }
    assert.deepEqual(records, [], 'the first manager stopped following (as when the window closes)');
    assert.ok(restarted, 'the manager was restarted mid-flight');
    const manager = await restarted;
    const inFlight = manager.history().find((r) => r.prompt === prompt);
    assert.ok(inFlight, 'the new manager knows the job from the journal');
    const done = await waitForRecord(core, inFlight.localId, (r) => r.phase === 'done' || r.phase === 'failed', 'the recovered job to finish');
    assert.equal(done.phase, 'done', done.error);
    assert.equal(emulator.jobs().filter((j) => j.idempotencyKey === inFlight.idempotencyKey).length, 1, 'no second job');
    const cached = manager.cachedFilePath(done, 0);
    assert.ok(cached);
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(cached))), emulatorJob(emulator, done).imageBytes[0]);
  });
});

describe('core flow: every server error shows its message', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  afterEach(async () => {
    harness.emulator.faults.clear();
    await harness.core.services.apiKey.store(harness.emulator.demoKey);
  });
  after(async () => {
    await tearDownHarness(harness);
  });

  async function failureOf(prompt: string): Promise<{ text: string; actions: readonly string[] }> {
    const messages = messagesFrom(harness.ui);
    const records = await runGenerate('apiframe.generateFromSelection', { prompt });
    assert.ok(records.length <= 1);
    if (records[0]) assert.equal(records[0].phase, 'failed');
    const error = messages.last('error');
    assert.ok(error, `an error message for "${prompt}"`);
    return error;
  }

  it('401 invalid key: the server’s text, and "Set API Key"', async () => {
    const invalidKey = suiteKey('invalid', 'base64');
    await harness.core.services.apiKey.store(invalidKey);
    const error = await failureOf('A red bicycle');
    assert.match(error.text, /Invalid API key/);
    assert.ok(error.actions.includes('Set API Key'));
    assert.ok(!error.text.includes(invalidKey), 'the key never appears in a message');
  });

  it('403 inactive key: the server’s text', async () => {
    const key = suiteKey('inactive', 'hex');
    harness.emulator.addKey({ key, active: false });
    await harness.core.services.apiKey.store(key);
    const error = await failureOf('A green bicycle');
    assert.match(error.text, /API key is inactive/);
    assert.ok(error.actions.includes('Set API Key'));
  });

  it('402 insufficient credits: what is needed and what is left', async () => {
    const { emulator } = harness;
    const credits = emulator.credits(emulator.demoKey);
    emulator.setCredits(emulator.demoKey, 0);
    try {
      const error = await failureOf('A blue bicycle');
      assert.match(error.text, /Not enough Apiframe credits/);
      assert.match(error.text, /needs 8, the team has 0 left/);
      assert.ok(!error.actions.includes('Set API Key'), 'a new key does not fix missing credits');
      assert.ok(error.actions.includes('Buy Credits'));
    } finally {
      emulator.setCredits(emulator.demoKey, credits);
    }
  });

  it('FAILED job: the provider’s content-policy text, with Show Log', async () => {
    harness.emulator.faults.nextJob({ kind: 'failed' });
    const error = await failureOf('A yellow bicycle');
    assert.match(error.text, /content policy violation/);
    assert.ok(error.actions.includes('Show Log'));
  });

  it('CANCELLED job: says it was cancelled on Apiframe', async () => {
    harness.emulator.faults.nextJob({ kind: 'cancelled' });
    const error = await failureOf('A purple bicycle');
    assert.match(error.text, /^Image generation failed: .*cancelled/i);
  });

  it('a result that is not an image: refused with a reason, nothing cached, the paid job left resumable', async () => {
    harness.emulator.faults.nextJob({ kind: 'image', body: 'notImage' });
    const { progress } = harness.core.services;
    const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'An orange bicycle' });
    assert.equal(record?.phase, 'detached', 'Apiframe charged for the job: it is never failed by our doing');
    assert.match(record.interruption ?? '', /could not be saved/);
    assert.equal((await harness.core.jobs()).cachedFilePath(record, 0), undefined, 'nothing cached');
    // The stopped notice says why, and offers Resume (a link to the command, for this record).
    await waitFor(() => progress.stoppedNotices.includes(record.localId), 'the stopped notice');
    const notice = progress.stoppedNoticeText(record.localId) ?? '';
    assert.match(notice, /could not be saved/);
    assert.match(notice, /image host 127\.0\.0\.1/);
    assert.ok(notice.includes('[Resume](command:apiframe.resumeJob?'), 'the notice offers Resume');
  });

  it('a prompt with no visible text (zero-width and bidi marks only): refused before anything is sent', async () => {
    const before = harness.emulator.log.where({ method: 'POST' }).length;
    const error = await failureOf('\u200b\u200e\u202e');
    assert.match(error.text, /no visible text/);
    assert.equal(harness.emulator.log.where({ method: 'POST' }).length, before);
  });

  it('a prompt over 2,000 characters: refused before anything is sent', async () => {
    const before = harness.emulator.log.where({ method: 'POST' }).length;
    const error = await failureOf('x'.repeat(2001));
    assert.match(error.text, /2001 characters long; Apiframe accepts at most 2000/);
    assert.equal(harness.emulator.log.where({ method: 'POST' }).length, before);
  });
});
