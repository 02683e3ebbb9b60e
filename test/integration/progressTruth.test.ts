// Progress that tells the truth, inside VS Code against the emulator: the notification, the status bar and the
// gallery card show one stage (the job manager's `stageOf`), in order and never backwards, under servers that
// report smooth, coarse or no progress; Cancel leaves a notice whose Resume never follows a job twice; key
// problems offer Set API Key; the log names each Cancel and Resume by prompt and id.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestCore } from '../../src/container/testHooks';
import { isStepBack, stageRank } from '../../src/jobs/jobStage';
import type { JobRecord, JobStage } from '../../src/jobs/types';
import type { ProgressReport } from '../../src/progress/jobProgress';
import type { Emulator } from '../emulator/index';
import type { EmulatorProfile } from '../emulator/profiles';
import { apiframeConfig, messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { startTrackedEmulator } from './leakRegistry';
import { hostMessageOf, onGalleryTraffic } from './testApi';
import { waitFor } from './waitFor';

/** Stage and percent, the part every surface must agree on. */
type Shown = { readonly stage: JobStage['stage']; readonly percent: number | null };

function shown(stage: JobStage | ProgressReport): Shown {
  return { stage: stage.stage, percent: 'percent' in stage ? stage.percent : null };
}

function describeShown(list: readonly Shown[]): string {
  return list.map((s) => `${s.stage}${s.percent === null ? '' : ` ${s.percent}%`}`).join(' → ');
}

function assertForwardOnly(list: readonly Shown[], what: string): void {
  for (let i = 1; i < list.length; i++) {
    const before = list[i - 1];
    const after = list[i];
    assert.ok(before && after);
    assert.ok(!isStepBack(before, after), `${what} went back: ${describeShown(list)}`);
  }
}

/** Captures what the extension logs (info lines) while it runs, then puts the logger back. */
function captureLog(core: TestCore): { lines: string[]; dispose(): void } {
  const logger = core.services.logger as { info: (message: string) => void };
  const original = logger.info;
  const lines: string[] = [];
  logger.info = (message: string) => {
    lines.push(message);
    original(message);
  };
  return {
    lines,
    dispose: () => {
      logger.info = original;
    },
  };
}

interface Observation {
  /** Each distinct stage the notification showed, and what the status bar and the manager said at that moment. */
  readonly moments: { readonly notification: Shown; readonly statusBar: readonly Shown[]; readonly manager: Shown | undefined }[];
  /** Every stage the notification showed (ticks included). */
  readonly notification: Shown[];
  /** Every stage the gallery was sent for the card. */
  readonly gallery: Shown[];
  readonly record: JobRecord | undefined;
}

/** Generates `prompt` and records, at every stage the notification shows, what the other surfaces show. */
async function observeGeneration(core: TestCore, prompt: string): Promise<Observation> {
  const manager = await core.jobs();
  const moments: Observation['moments'][number][] = [];
  const notification: Shown[] = [];
  const gallery: Shown[] = [];
  let localId: string | undefined;
  const reports = core.services.progress.onDidReport((report) => {
    const now = shown(report);
    const previous = notification.at(-1);
    notification.push(now);
    // A tick only moves the clock text; the stage changed with the record, at this very moment.
    if (previous && previous.stage === now.stage && previous.percent === now.percent) return;
    if (now.stage === 'done') return;
    const record = manager.history().find((r) => r.prompt === prompt);
    localId ??= record?.localId;
    const stage = record ? manager.stageOf(record) : undefined;
    moments.push({ notification: now, statusBar: core.services.statusBar.stages.map((s) => (s ? shown(s) : { stage: 'done', percent: null })), manager: stage && shown(stage) });
  });
  const traffic = onGalleryTraffic((t) => {
    const message = hostMessageOf(t);
    const items = message?.type === 'update' ? [message.item] : message?.type === 'state' ? message.items : [];
    for (const item of items) if (item.prompt === prompt && item.stage) gallery.push(shown(item.stage));
  });
  try {
    const [record] = await runGenerate('apiframe.generateFromSelection', { prompt });
    return { moments, notification, gallery, record };
  } finally {
    reports.dispose();
    traffic.dispose();
  }
}

describe('progress that tells the truth', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    const gallery = await harness.core.services.showGallery({ preserveFocus: true });
    await gallery.waitForReport(() => true);
  });
  after(async () => {
    await tearDownHarness(harness);
  });

  const profiles: EmulatorProfile[] = ['friendly', 'no-progress', 'coarse-progress'];
  for (const profile of profiles) {
    it(`${profile}: the notification, the status bar and the card show the same stages, never backwards`, async () => {
      const { core } = harness;
      let emulator: Emulator | undefined;
      if (profile !== 'friendly') {
        emulator = await startTrackedEmulator({ profile, seed: 11, timeScale: 0.05, imageScale: 1 / 16 });
        await apiframeConfig().update('baseUrl', emulator.url, vscode.ConfigurationTarget.Global);
      }
      try {
        const observed = await observeGeneration(core, `A kite over the dunes (${profile})`);
        assert.equal(observed.record?.phase, 'done', observed.record?.error);
        const { notification, gallery, moments } = observed;
        assert.equal(notification[0]?.stage, 'submitting', describeShown(notification));
        assert.equal(notification.at(-1)?.stage, 'done', describeShown(notification));
        assert.ok(notification.some((s) => s.stage === 'downloading'), describeShown(notification));
        assertForwardOnly(notification, 'the notification');
        if (profile === 'no-progress') {
          assert.ok(notification.every((s) => s.percent === null), `no server percent, none shown: ${describeShown(notification)}`);
        }
        // At each moment the notification moved, the status bar and the manager's stage (the card's) said the same.
        assert.ok(moments.length >= 2, `moments: ${moments.length}`);
        for (const moment of moments) {
          assert.deepEqual(moment.statusBar, [moment.notification], `status bar at ${describeShown([moment.notification])}`);
          assert.deepEqual(moment.manager, moment.notification, `manager (card) at ${describeShown([moment.notification])}`);
        }
        // The card was sent stages the notification showed too, in the same order.
        assert.ok(gallery.length >= 1, 'the card was sent at least one stage');
        assertForwardOnly(gallery, 'the card');
        for (const card of gallery) {
          assert.ok(
            notification.some((n) => n.stage === card.stage && n.percent === card.percent),
            `the card showed ${describeShown([card])}, the notification never did: ${describeShown(notification)}`,
          );
        }
        assert.deepEqual(
          [...new Set(gallery.map((s) => s.stage))].map(stageRank),
          [...new Set(gallery.map((s) => s.stage))].map(stageRank).sort((a, b) => a - b),
        );
        assert.equal(core.services.statusBar.shownText, undefined, 'nothing runs: the status bar item is hidden');
      } finally {
        if (emulator) {
          await apiframeConfig().update('baseUrl', harness.emulator.url, vscode.ConfigurationTarget.Global);
          await emulator.stop();
        }
      }
    });
  }

  it('the status bar names one job’s stage, and lists several with their prompts', async () => {
    const { core, emulator } = harness;
    emulator.faults.nextJob({ kind: 'stuck' });
    emulator.faults.nextJob({ kind: 'stuck' });
    const first = runGenerate('apiframe.generateFromSelection', { prompt: 'A first stuck lantern' });
    await waitFor(() => /^\$\(sync~spin\) (Submitting|Queued|Generating)/.test(core.services.statusBar.shownText ?? ''), 'one job: its stage');
    const second = runGenerate('apiframe.generateFromSelection', { prompt: 'A second stuck lantern' });
    try {
      await waitFor(() => core.services.statusBar.shownText === '$(sync~spin) 2 images', 'two jobs: their count');
      const tooltip = core.services.statusBar.shownTooltip ?? '';
      assert.match(tooltip, /A first stuck lantern — (Submitting|Queued|Generating)/);
      assert.match(tooltip, /A second stuck lantern — (Submitting|Queued|Generating)/);
    } finally {
      core.services.progress.cancelAll();
      await Promise.all([first, second]);
    }
    assert.equal(core.services.statusBar.shownText, undefined);
  });

  it('Cancel, then Resume from the gallery: the stopped notice closes, and its Resume does not follow the job twice', async () => {
    const { core, emulator, ui } = harness;
    const prompt = 'A lighthouse keeper who stopped waiting';
    const log = captureLog(core);
    try {
      emulator.faults.nextJob({ kind: 'stuck' });
      const running = runGenerate('apiframe.generateFromSelection', { prompt });
      await waitFor(() => /^\$\(sync~spin\) (Queued|Generating)/.test(core.services.statusBar.shownText ?? ''), 'the job to be submitted');
      core.services.progress.cancelAll();
      const [stopped] = await running;
      assert.ok(stopped);
      assert.equal(stopped.phase, 'detached');
      const named = `"${prompt}" (${stopped.localId})`;
      assert.ok(log.lines.some((l) => l.includes(named) && /stopped waiting/i.test(l) && l.includes('Cancel')), `a Cancel line names the job:\n${log.lines.join('\n')}`);

      // The notice: what happened, and a Resume link that runs the command for this record.
      await waitFor(() => core.services.progress.stoppedNotices.includes(stopped.localId), 'the stopped notice');
      const notice = core.services.progress.stoppedNoticeText(stopped.localId) ?? '';
      assert.match(notice, /^Stopped waiting for ".*" — still running on Apiframe\. /);
      assert.ok(notice.includes(`[Resume](command:apiframe.resumeJob?${encodeURIComponent(JSON.stringify([stopped.localId]))})`), notice);
      assert.ok(!notice.includes('apiframe.setApiKey'), 'the key is fine: no Set API Key');

      // Resume from the gallery: the notice closes by itself.
      const fromGallery = Promise.resolve(core.galleryActions.resume(stopped.localId));
      await waitFor(() => !core.services.progress.stoppedNotices.includes(stopped.localId), 'the stale notice to close');
      assert.ok(core.services.progress.isFollowing(stopped.localId), 'the gallery’s Resume follows the job');
      assert.ok(log.lines.some((l) => l.includes(named) && l.includes('resumed')), `a Resume line names the job:\n${log.lines.join('\n')}`);
      await waitFor(() => /^\$\(sync~spin\) (Queued|Generating)/.test(core.services.statusBar.shownText ?? ''), 'the status bar to show the resumed job');

      // The notice's Resume (or a command) now: no second follow — it says the job is already followed.
      const messages = messagesFrom(ui);
      ui.answer({ message: [undefined] });
      const again = await Promise.race([
        vscode.commands.executeCommand<JobRecord | undefined>('apiframe.resumeJob', stopped.localId),
        new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
      ]);
      assert.notEqual(again, 'still waiting', 'a second Resume must not wait for the job (that would be a second follow)');
      assert.match(messages.last('info')?.text ?? '', /already being followed/);
      assert.deepEqual(messages.last('info')?.actions, ['Show Images']);
      assert.equal(core.services.statusBar.stages.length, 1, 'one job runs, followed once');

      core.services.progress.cancelAll();
      const settled = await fromGallery;
      assert.equal((settled as JobRecord | undefined)?.phase, 'detached');
      await waitFor(() => core.services.progress.stoppedNotices.includes(stopped.localId), 'a fresh notice after the second Cancel');
    } finally {
      log.dispose();
      ui.answer({});
    }
  });

  it('Resume of a job that finished meanwhile says so instead of running its follow-up again', async () => {
    const { ui } = harness;
    const [done] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A finished sandcastle' });
    assert.equal(done?.phase, 'done', done?.error);
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    try {
      const again = await vscode.commands.executeCommand<JobRecord | undefined>('apiframe.resumeJob', done.localId);
      assert.equal(again?.phase, 'done');
      assert.match(messages.last('info')?.text ?? '', /is already done/);
    } finally {
      ui.answer({});
    }
  });

  it('a key Apiframe refuses while the job runs: the stopped notice offers Set API Key', async () => {
    const { core, emulator } = harness;
    emulator.faults.nextJob({ kind: 'stuck' });
    const prompt = 'A lantern whose key was revoked';
    const running = runGenerate('apiframe.generateFromSelection', { prompt });
    const manager = await core.jobs();
    await waitFor(() => manager.history().some((r) => r.prompt === prompt && r.jobId !== undefined), 'the job to be submitted');
    const record = manager.history().find((r) => r.prompt === prompt);
    assert.ok(record?.jobId);
    emulator.faults.inject({
      fault: { kind: 'rawBody', status: 401, body: JSON.stringify({ error: 'Invalid API key' }), contentType: 'application/json' },
      method: 'GET',
      path: `/v2/jobs/${record.jobId}`,
      times: 50,
    });
    const [stopped] = await running;
    assert.equal(stopped?.phase, 'detached');
    assert.equal(stopped.keyProblem, true);
    await waitFor(() => core.services.progress.stoppedNotices.includes(stopped.localId), 'the stopped notice');
    const notice = core.services.progress.stoppedNoticeText(stopped.localId) ?? '';
    assert.ok(notice.includes('[Set API Key](command:apiframe.setApiKey)'), notice);
    assert.ok(notice.includes('[Resume](command:apiframe.resumeJob?'), notice);
    await waitForRecord(core, stopped.localId, (r) => r.phase === 'detached', 'the record to stay resumable');
  });

  it('a 401 on submit shows an error with Set API Key', async () => {
    const { emulator, ui } = harness;
    emulator.faults.inject({
      fault: { kind: 'rawBody', status: 401, body: JSON.stringify({ error: 'Invalid API key' }), contentType: 'application/json' },
      method: 'POST',
      path: '/v2/images/generate',
    });
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    try {
      const [failed] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A refused kite' });
      assert.equal(failed?.phase, 'failed');
      await waitFor(() => messages.last('error') !== undefined, 'an error message');
      const error = messages.last('error');
      assert.ok(error?.actions.includes('Set API Key'), JSON.stringify(error));
    } finally {
      ui.answer({});
    }
  });
});
