import * as vscode from 'vscode';
import { validatePrompt } from '../apiframe/shapes';
import { checkBaseUrl } from '../apiframe/urls';
import { ASPECT_RATIO_SIZES, ASPECT_RATIOS, DALLE_STYLES, PROMPT_MAX_LENGTH, type AspectRatio, type DalleStyle } from '../apiframe/types';
import type { CoreServices } from '../core';
import { insertionAfterOrigin, insertionAtEditor } from '../editor/insertionPoint';
import { JobStoppedError } from '../jobs/managerApi';
import type { JobOrigin, JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { displayPath, saveImage, type InsertionPoint } from '../save/saveImage';
import * as settings from '../settings';
import { UserFacingError } from './errors';

/** Aspect ratio and style of a job. */
export interface ImageOptions {
  readonly aspectRatio: AspectRatio;
  readonly style: DalleStyle;
}

/**
 * Optional arguments every generate command accepts (from the tests, keybindings or other extensions), so
 * nothing has to be typed into an input box: `{ prompt?, aspectRatio?, style? }`.
 */
export interface GenerateArguments {
  readonly prompt?: string;
  readonly aspectRatio?: AspectRatio;
  readonly style?: DalleStyle;
}


/** Reads `GenerateArguments` from a command's untyped arguments; anything malformed is ignored. */
export function generateArguments(args: readonly unknown[]): GenerateArguments {
  const candidate = args.find((arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri));
  if (!candidate) return {};
  const prompt = typeof candidate.prompt === 'string' ? candidate.prompt : undefined;
  const aspectRatio = ASPECT_RATIOS.find((value) => value === candidate.aspectRatio);
  const style = DALLE_STYLES.find((value) => value === candidate.style);
  return { prompt, aspectRatio, style };
}

/** globalState keys for the last choices of "Generate Image…" (not secret; just two enum values). */
const LAST_ASPECT_KEY = 'apiframe.lastAspectRatio';
const LAST_STYLE_KEY = 'apiframe.lastStyle';

/** Input box validation: the same rule the client applies, said before anything is sent. */
export function promptProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return vscode.l10n.t('Describe the image to generate.');
  // Only control, format or space characters: the API would accept it and charge for an image of nothing.
  if (trimmed.replace(/[\p{Cc}\p{Cf}\p{Z}\s]/gu, '') === '') {
    return vscode.l10n.t('The prompt has no visible text: describe the image in words.');
  }
  if (trimmed.length > PROMPT_MAX_LENGTH) {
    return vscode.l10n.t('The prompt is {0} characters long; Apiframe accepts at most {1}.', trimmed.length, PROMPT_MAX_LENGTH);
  }
  // The client's own rule last, so the two can never disagree (its text is English).
  return validatePrompt(value);
}

export async function askForPrompt(services: CoreServices, value?: string): Promise<string | undefined> {
  const prompt = await services.ui.inputBox({
    title: vscode.l10n.t('Generate Image'),
    prompt: vscode.l10n.t('Describe the image to generate'),
    placeHolder: vscode.l10n.t('e.g. A lighthouse at dusk, watercolor'),
    value,
    ignoreFocusOut: true,
    validateInput: promptProblem,
  });
  return prompt?.trim() || undefined;
}

interface AspectItem extends vscode.QuickPickItem {
  readonly value: AspectRatio;
}
interface StyleItem extends vscode.QuickPickItem {
  readonly value: DalleStyle;
}

/**
 * Quick picks for aspect ratio (with the pixel size) and style. `remember` keeps the last choices in
 * globalState as the next pre-selection ("Generate Image…"); otherwise the settings' defaults come first.
 */
export async function askForOptions(services: CoreServices, given: GenerateArguments, remember: boolean): Promise<ImageOptions | undefined> {
  const state = services.host.context.globalState;
  const lastAspect = remember ? ASPECT_RATIOS.find((v) => v === state.get(LAST_ASPECT_KEY)) : undefined;
  const lastStyle = remember ? DALLE_STYLES.find((v) => v === state.get(LAST_STYLE_KEY)) : undefined;
  let aspectRatio = given.aspectRatio;
  if (!aspectRatio) {
    const preferred = lastAspect ?? settings.defaultAspectRatio();
    const labels: Record<AspectRatio, string> = {
      '1:1': vscode.l10n.t('Square'),
      '3:2': vscode.l10n.t('Landscape'),
      '2:3': vscode.l10n.t('Portrait'),
    };
    const items: AspectItem[] = ASPECT_RATIOS.map((value) => ({
      value,
      label: value,
      description: `${labels[value]} · ${ASPECT_RATIO_SIZES[value].width}×${ASPECT_RATIO_SIZES[value].height}`,
    }));
    items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
    const picked = await services.ui.quickPick(items, {
      title: vscode.l10n.t('Aspect ratio'),
      placeHolder: vscode.l10n.t('Choose the aspect ratio'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    aspectRatio = picked.value;
  }
  let style = given.style;
  if (!style) {
    const preferred = lastStyle ?? settings.defaultStyle();
    const items: StyleItem[] = [
      { value: 'vivid', label: vscode.l10n.t('Vivid'), description: vscode.l10n.t('Hyper-real and dramatic') },
      { value: 'natural', label: vscode.l10n.t('Natural'), description: vscode.l10n.t('More natural, less hyper-real') },
    ];
    items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
    const picked = await services.ui.quickPick(items, {
      title: vscode.l10n.t('Style'),
      placeHolder: vscode.l10n.t('Choose the style'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    style = picked.value;
  }
  if (remember) {
    await state.update(LAST_ASPECT_KEY, aspectRatio);
    await state.update(LAST_STYLE_KEY, style);
  }
  return { aspectRatio, style };
}

export function defaultOptions(given: GenerateArguments): ImageOptions {
  return { aspectRatio: given.aspectRatio ?? settings.defaultAspectRatio(), style: given.style ?? settings.defaultStyle() };
}

export interface GenerationRequest {
  readonly prompt: string;
  readonly origin?: JobOrigin;
}

/**
 * Starts one job per request, each with its own cancellable notification, and resolves when all have
 * settled (done, failed, detached or expired) and their follow-up ran. Without a key it says so and
 * offers "Set API Key" before anything is journaled.
 */
export async function generateImages(
  services: CoreServices,
  requests: readonly GenerationRequest[],
  options: ImageOptions,
): Promise<JobRecord[]> {
  await services.apiKey.require();
  // A base URL the client would refuse: say so now, before a record is journaled for nothing.
  checkBaseUrl(settings.baseUrl());
  for (const request of requests) {
    const problem = promptProblem(request.prompt);
    if (problem) throw new UserFacingError(problem);
  }
  const manager = await services.jobs();
  const settled = await Promise.all(
    requests.map(async (request) => {
      try {
        const record = await services.progress.follow(request.prompt, (signal, onStage) =>
          manager.generate({ prompt: request.prompt, ...options, origin: request.origin }, { signal, onStage }),
        );
        await afterJob(services, record);
        return record;
      } catch (error) {
        if (error instanceof JobStoppedError) {
          // The window is closing or the record was deleted: nothing the user needs to be told about.
          services.logger.info(`Stopped following "${shortPrompt(request.prompt)}": ${error.message}`);
          return undefined;
        }
        services.reportError(error, vscode.l10n.t('Generating "{0}"', shortPrompt(request.prompt)));
        return undefined;
      }
    }),
  );
  return settled.filter((record): record is JobRecord => record !== undefined);
}

/** Follows a detached record again, with a notification, then runs its follow-up like a new job. */
export async function resumeRecord(services: CoreServices, localId: string): Promise<JobRecord | undefined> {
  const manager = await services.jobs();
  const record = manager.get(localId);
  if (!record) return undefined;
  await services.apiKey.require();
  const resumed = await services.progress.follow(record.prompt, (signal, onStage) => manager.resume(localId, { signal, onStage }));
  await afterJob(services, resumed);
  return resumed;
}

/**
 * The user's explicit choice for a record whose earlier submit Apiframe could not account for: after a modal
 * confirmation that says what it may cost, submits it again (with its idempotency key), with a notification,
 * then runs its follow-up like a new job. Does nothing for a record not waiting for that decision.
 */
export async function submitAnewRecord(services: CoreServices, localId: string): Promise<JobRecord | undefined> {
  const record = (await services.jobs()).get(localId);
  if (!record) return undefined;
  if (!waitsForSubmitDecision(record)) {
    services.logger.debug(`Submit Anew ignored for job ${localId} in phase ${record.phase}.`);
    return undefined;
  }
  // Without a key there is nothing to confirm: say so first (reportError offers Set API Key).
  await services.apiKey.require();
  const confirm = vscode.l10n.t('Submit Anew');
  const choice = await services.ui.message(
    'warning',
    vscode.l10n.t('Submit "{0}" to Apiframe again?', shortPrompt(record.prompt)),
    [confirm],
    {
      modal: true,
      detail: vscode.l10n.t(
        'Apiframe could not confirm whether the earlier submit created a job. If it did, submitting again may create a second job and charge for it too. Look Again asks Apiframe once more without submitting.',
      ),
    },
  );
  if (choice !== confirm) return undefined;
  // The dialog may have been open a while: the record may have been settled or deleted meanwhile (another window,
  // Look Again), and the manager may have been replaced.
  const manager = await services.jobs();
  const current = manager.get(localId);
  if (!current || !waitsForSubmitDecision(current)) {
    services.logger.info(`Submit Anew for job ${localId} not needed any more (${current ? `phase ${current.phase}` : 'deleted'}).`);
    return current;
  }
  services.logger.info(`Job ${localId}: the user chose to submit it anew.`);
  const settled = await services.progress.follow(current.prompt, (signal, onStage) => manager.submitAnew(localId, { signal, onStage }));
  await afterJob(services, settled);
  return settled;
}

function waitsForSubmitDecision(record: JobRecord): boolean {
  return record.phase === 'needs-decision' && record.decision === 'unknown-submit';
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
  const prompt = shortPrompt(record.prompt);
  const unknownSubmit = record.decision === 'unknown-submit';
  let reason: string;
  if (record.interruption) reason = asSentence(services.redact(record.interruption));
  else if (unknownSubmit) reason = vscode.l10n.t('Apiframe could not confirm whether the earlier submit created a job.');
  else reason = vscode.l10n.t('Apiframe reports the job as completed, but its result could not be read.');
  const text = unknownSubmit
    ? vscode.l10n.t('"{0}" needs your decision: {1} Look Again asks Apiframe once more without submitting.', prompt, reason)
    : vscode.l10n.t('"{0}" needs your decision: {1} Look Again asks Apiframe for the result once more.', prompt, reason);
  // Anything but an unknown submit (a hand-edited journal included) never offers to submit.
  const actions = unknownSubmit ? [lookAgain, submitAnew] : [lookAgain, showLog];
  services.logger.warn(`Job ${record.localId} needs the user's decision (${record.decision ?? 'no decision kind'}): ${reason}`);
  void services.ui.message('warning', text, actions).then((choice) => {
    if (choice === lookAgain) void vscode.commands.executeCommand('apiframe.resumeJob', record.localId);
    if (choice === submitAnew) void vscode.commands.executeCommand('apiframe.submitAnew', record.localId);
    if (choice === showLog) services.host.log.show(true);
  });
}

/**
 * What happens when a job settles. Done: a job from the explorer is saved into its folder; a job from a
 * selection follows the `afterCompletion` setting; any other opens the gallery (unless the setting says
 * "nothing"). Failed, stopped or expired jobs say so, with the action that helps; a job that needs the
 * user's decision says why and offers the choices.
 */
export async function afterJob(services: CoreServices, record: JobRecord): Promise<void> {
  const { ui } = services;
  const showLog = vscode.l10n.t('Show Log');
  switch (record.phase) {
    case 'done':
      await afterDone(services, record);
      return;
    case 'detached': {
      const resume = vscode.l10n.t('Resume');
      const text = record.interruption
        ? vscode.l10n.t('Stopped waiting for "{0}": {1} The image may still be generated on Apiframe; Resume picks it up.', shortPrompt(record.prompt), services.redact(record.interruption))
        : vscode.l10n.t('Stopped waiting for "{0}". It is still being generated on Apiframe; Resume picks it up.', shortPrompt(record.prompt));
      void ui.message('info', text, [resume]).then((choice) => {
        if (choice === resume) void vscode.commands.executeCommand('apiframe.resumeJob', record.localId);
      });
      return;
    }
    case 'needs-decision':
      offerDecision(services, record);
      return;
    case 'expired':
      void ui.message('warning', vscode.l10n.t('The image for "{0}" expired on Apiframe before it could be downloaded.', shortPrompt(record.prompt)), []);
      return;
    case 'failed': {
      const reason = services.redact(record.error ?? vscode.l10n.t('unknown error'));
      const setKey = vscode.l10n.t('Set API Key');
      const actions = record.keyProblem ? [setKey, showLog] : [showLog];
      services.logger.warn(`Job ${record.localId} failed: ${reason}`);
      void ui.message('error', vscode.l10n.t('Image generation failed: {0}', reason), actions).then((choice) => {
        if (choice === showLog) services.host.log.show(true);
        if (choice === setKey) void vscode.commands.executeCommand('apiframe.setApiKey');
      });
      return;
    }
    default:
      return;
  }
}

async function afterDone(services: CoreServices, record: JobRecord): Promise<void> {
  const origin = record.origin;
  if (origin?.targetFolderUri) {
    await saveRecord(services, record, { targetFolder: vscode.Uri.parse(origin.targetFolderUri), insert: false });
    return;
  }
  const action = settings.afterCompletion();
  if (origin?.documentUri && (action === 'saveAndInsert' || action === 'saveOnly')) {
    await saveRecord(services, record, { insert: action === 'saveAndInsert' });
    return;
  }
  if (action === 'nothing') return;
  await services.showGallery({ reveal: record.localId, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
}

export interface SaveRecordOptions {
  /** Save into this folder (explorer) instead of the destination setting. */
  readonly targetFolder?: vscode.Uri;
  /** Insert a reference too — after the origin selection when the job has one that still matches, else at the cursor. */
  readonly insert: boolean;
  /** Prefer the current editor's selection over the job's origin selection (gallery "Insert into Editor"). */
  readonly atCurrentSelection?: boolean;
}

/**
 * Saves and inserts one at a time: jobs of one command finish together, and a WorkspaceEdit computed against
 * a document version that another edit has just changed is refused by VS Code ("changed in the meantime").
 * Each save computes its insertion point only when its turn comes.
 */
let saveQueue: Promise<unknown> = Promise.resolve();

/** Saves a record's first image (and inserts a reference), telling the user where it went. */
export function saveRecord(services: CoreServices, record: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const turn = saveQueue.then(() => saveRecordNow(services, record, options));
  saveQueue = turn.catch(() => undefined);
  return turn;
}

async function saveRecordNow(services: CoreServices, record: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const manager = await services.jobs();
  const cachedFile = manager.cachedFilePath(record, 0);
  if (!cachedFile) {
    void services.ui.message('warning', vscode.l10n.t('"{0}" has no downloaded image to save.', shortPrompt(record.prompt)), []);
    return undefined;
  }
  const editor = services.editors.current();
  const originDocument = record.origin?.documentUri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === record.origin?.documentUri)
    : undefined;
  let insertAt: InsertionPoint | undefined;
  if (options.insert && options.atCurrentSelection) {
    // "Insert into Editor": wherever the user is now.
    insertAt = editor ? insertionAtEditor(editor) : undefined;
    if (!insertAt) {
      void services.ui.message('warning', vscode.l10n.t('Open a document to insert the image into.'), []);
      return undefined;
    }
  } else if (options.insert) {
    // After completion: only ever into the document the prompt came from; if it is gone, just save.
    insertAt = insertionAfterOrigin(record);
    if (!insertAt && editor && editor.document.uri.toString() === record.origin?.documentUri) insertAt = insertionAtEditor(editor);
  }
  const document = insertAt?.document ?? (options.atCurrentSelection ? editor?.document : undefined) ?? originDocument ?? editor?.document;
  const result = await saveImage(services.ui, {
    record,
    index: 0,
    cachedFile,
    targetFolder: options.targetFolder,
    document,
    insertAt,
  });
  if (!result) return undefined;
  services.logger.info(`Saved job ${record.localId} to ${result.uri.toString()}`);
  if (!insertAt) {
    const open = vscode.l10n.t('Open');
    void services.ui.message('info', vscode.l10n.t('Saved {0}', displayPath(result.uri)), [open]).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', result.uri);
    });
  }
  return result.uri;
}
