import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { describeRecord, recordTitle } from '../jobs/jobTexts';
import { imageActionOf } from '../jobs/records';
import type { CreditsShortfall, JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { saveBesideOriginalAndOffer } from '../save/saveBesideOriginal';
import { saveRecord } from '../save/saveRecord';
import * as settings from '../settings';

/**
 * What happens when a job settles. Done: a job from the explorer is saved into its folder; a job from a
 * selection follows the `afterCompletion` setting; any other opens the gallery (unless the setting says
 * "nothing"). Failed, stopped or expired jobs say so, with the action that helps; a job that needs the
 * user's decision says why and offers the choices.
 */
export async function afterJob(services: CoreServices, record: JobRecord): Promise<void> {
  switch (record.phase) {
    case 'done':
      await afterDone(services, record);
      return;
    case 'detached':
      await offerResume(services, record);
      return;
    case 'needs-decision':
      offerDecision(services, record);
      return;
    case 'expired':
      void services.ui.message('warning', vscode.l10n.t('The image for "{0}" expired on Apiframe before it could be downloaded.', shortPrompt(recordTitle(record))), []);
      return;
    case 'failed': {
      const reason = services.redact(record.error ?? vscode.l10n.t('unknown error'));
      services.logger.warn(`Job ${describeRecord(record)} failed: ${reason}`);
      if (record.creditsShort) {
        services.errors.notify(creditsShortText(record.creditsShort), { setApiKey: false, showLog: true, openBilling: true });
        return;
      }
      const action = imageActionOf(record);
      const text = action ? vscode.l10n.t('{0} failed: {1}', action.label, reason) : vscode.l10n.t('Image generation failed: {0}', reason);
      services.errors.notify(text, { setApiKey: record.keyProblem === true, showLog: true });
      return;
    }
    default:
      return;
  }
}

/** A submit refused for lack of credits: what the image needs and what the team has, when Apiframe said. */
function creditsShortText(short: CreditsShortfall): string {
  const { required, available } = short;
  if (required !== undefined && available !== undefined) {
    return vscode.l10n.t('Not enough Apiframe credits: this image needs {0}, the team has {1} left.', required, available);
  }
  if (required !== undefined) return vscode.l10n.t('Not enough Apiframe credits: this image needs {0}.', required);
  if (available !== undefined) return vscode.l10n.t('Not enough Apiframe credits: the team has {0} left.', available);
  return vscode.l10n.t('Not enough Apiframe credits for this image.');
}

async function afterDone(services: CoreServices, record: JobRecord): Promise<void> {
  if (record.input?.uri !== undefined && imageActionOf(record)) {
    // An action on a workspace file: its result goes beside the original, whatever afterCompletion says.
    await saveBesideOriginalAndOffer(services, record);
    return;
  }
  const origin = record.origin;
  if (origin?.targetFolderUri) {
    // Generate Image Here: the new file, shown where the user asked for it.
    const saved = await saveRecord(services, record, { targetFolder: vscode.Uri.parse(origin.targetFolderUri) });
    if (saved) await services.ui.revealInExplorer(saved);
    return;
  }
  const action = settings.afterCompletion();
  if (origin?.documentUri && (action === 'saveAndInsert' || action === 'saveOnly')) {
    await saveRecord(services, record, action === 'saveAndInsert' ? { insert: 'origin' } : {});
    return;
  }
  if (action === 'nothing') return;
  await services.showGallery({ reveal: record.localId, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
}

/**
 * The user stopped waiting (or following failed): the job may still run on Apiframe, and Resume picks it up.
 * Said in a notice that closes as soon as the job is followed again from anywhere (or its record changes),
 * so no Resume is left behind that no longer means anything; its links run the same commands as buttons would.
 */
async function offerResume(services: CoreServices, record: JobRecord): Promise<void> {
  const prompt = withoutLinks(shortPrompt(recordTitle(record)));
  const text = record.interruption
    ? vscode.l10n.t('Stopped waiting for "{0}": {1} It may still be running on Apiframe.', prompt, withoutLinks(asSentence(services.redact(record.interruption))))
    : vscode.l10n.t('Stopped waiting for "{0}" — still running on Apiframe.', prompt);
  const links = [commandLink(vscode.l10n.t('Resume'), 'apiframe.resumeJob', [record.localId])];
  if (record.keyProblem) links.push(commandLink(vscode.l10n.t('Set API Key'), 'apiframe.setApiKey', []));
  const manager = await services.jobs();
  services.progress.showStoppedNotice(record.localId, `${text} ${links.join(' · ')}`, (close) =>
    manager.onDidChange((localId, changed) => {
      if (localId === record.localId && changed?.phase !== 'detached') close();
    }),
  );
}

/** `text` with nothing VS Code would render as a link: a prompt or a server's words never become a command. */
function withoutLinks(text: string): string {
  return text.replace(/\]\(/g, '] (');
}

/** A link VS Code renders in a notification's message and runs as the command when clicked. */
function commandLink(label: string, command: string, args: readonly unknown[]): string {
  const query = args.length > 0 ? `?${encodeURIComponent(JSON.stringify(args))}` : '';
  return `[${label.replace(/[[\]]/g, '')}](command:${command}${query})`;
}

/** `text` ending in a full stop, so a sentence can follow it. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?。…]$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A record waits for the user's decision: says why, with the choices that fit. Submit Anew is offered only when
 * the open question is whether an earlier submit created (and charged) a job; it asks again before it submits.
 */
function offerDecision(services: CoreServices, record: JobRecord): void {
  const lookAgain = vscode.l10n.t('Look Again');
  const submitAnew = vscode.l10n.t('Submit Anew…');
  const showLog = vscode.l10n.t('Show Log');
  const prompt = shortPrompt(recordTitle(record));
  const unknownSubmit = record.decision === 'unknown-submit';
  let reason: string;
  if (record.interruption) reason = asSentence(services.redact(record.interruption));
  else if (unknownSubmit) reason = vscode.l10n.t('Apiframe could not confirm whether the earlier submit created a job.');
  else reason = vscode.l10n.t('Apiframe reports the job as completed, but its result could not be read.');
  const text = unknownSubmit
    ? vscode.l10n.t('"{0}" needs your decision: {1} Look Again asks Apiframe once more without submitting.', prompt, reason)
    : vscode.l10n.t('"{0}" needs your decision: {1} Look Again asks Apiframe for the result once more.', prompt, reason);
  const setApiKey = vscode.l10n.t('Set API Key');
  // Anything but an unknown submit (a hand-edited journal included) never offers to submit. A key Apiframe
  // refused is fixed first: Look Again with the same key would be refused again.
  const actions = [...(record.keyProblem ? [setApiKey] : []), ...(unknownSubmit ? [lookAgain, submitAnew] : [lookAgain, showLog])];
  services.logger.warn(`Job ${describeRecord(record)} needs the user's decision (${record.decision ?? 'no decision kind'}): ${reason}`);
  void services.ui.message('warning', text, actions).then((choice) => {
    if (choice === setApiKey) void vscode.commands.executeCommand('apiframe.setApiKey');
    if (choice === lookAgain) void vscode.commands.executeCommand('apiframe.resumeJob', record.localId);
    if (choice === submitAnew) void vscode.commands.executeCommand('apiframe.submitAnew', record.localId);
    if (choice === showLog) services.host.log.show(true);
  });
}
