import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { checkBaseUrl } from '../apiframe/urls';
import type { CoreServices } from '../container/services';
import { describeRecord } from '../jobs/jobTexts';
import { JobStoppedError } from '../jobs/managerApi';
import type { JobGroup, JobRecord } from '../jobs/types';
import { formatCostRange } from '../models/cost';
import { rememberSavedCopy } from '../save/savedCopies';
import { metadataOfRecord } from '../save/saveRecord';
import { displayPath, saveToWorkspace } from '../save/saveToWorkspace';
import * as settings from '../settings';
import { errorText } from '../shared/errorText';
import { savedImageName } from '../workspace/imageSavePlan';
import { resolveRequestedPath } from '../workspace/requestedPath';
import { altTextFromPrompt } from '../workspace/snippet';
import { planToolInput, type ToolPlan } from './generateImageInput';

/**
 * `apiframe_generateImage`: a language-model tool (agent mode, `#generateImage`) that generates images through
 * the same job manager as the commands — journaled before the submit, idempotent, cached, resumable from the
 * gallery — and saves them into the workspace without overwriting anything. VS Code shows the confirmation
 * (model, count, cost range, destination) before `invoke`; everything the model gets back is English text it
 * can act on, and never carries the key (every text passes the redactor).
 *
 * A failure is thrown as an `Error` whose message is written for the model (VS Code hands it over as the
 * tool's error); nothing is submitted unless the input, the path, the key and the base URL are all usable.
 */
export function createGenerateImageTool(services: CoreServices): vscode.LanguageModelTool<unknown> {
  return {
    prepareInvocation: (options) => prepare(services, options.input),
    invoke: (options, token) => invoke(services, options.input, token),
  };
}

/**
 * The input planned with the price list the catalog holds now (no network call before the confirmation) and
 * the user's `apiframe.model` as the model when the input names none.
 */
function planInput(services: CoreServices, input: unknown): ReturnType<typeof planToolInput> {
  return planToolInput(input, services.models.peek().models, services.models.currentModel());
}

/** The confirmation VS Code shows before the tool runs: model, count, ratio, cost range, destination, prompt. */
function prepare(services: CoreServices, input: unknown): vscode.PreparedToolInvocation {
  const planned = planInput(services, input);
  // An input the tool refuses costs nothing and writes nothing: `invoke` says what is wrong, without asking first.
  if (!planned.ok) return { invocationMessage: vscode.l10n.t('Checking the image request…') };
  const { plan } = planned;
  const cost = plan.cost
    ? vscode.l10n.t('{0} credits (estimate from the price list; the job reports the actual cost)', formatCostRange(plan.cost))
    : vscode.l10n.t('unknown (the price list has no figure for this model)');
  const where = plan.path ?? vscode.l10n.t('the image folder (setting apiframe.destination)');
  const message = [
    vscode.l10n.t('Model: {0} ({1})', plan.modelLabel, plan.model),
    vscode.l10n.t('Images: {0} · Aspect ratio: {1}', plan.count, plan.aspectRatio),
    vscode.l10n.t('Cost: {0}', cost),
    vscode.l10n.t('Save to: {0} (an existing file is never overwritten)', where),
    vscode.l10n.t('Prompt: {0}', services.redact(plan.prompt)),
  ].join('\n');
  return {
    invocationMessage:
      plan.count === 1
        ? vscode.l10n.t('Generating an image with {0}…', plan.modelLabel)
        : vscode.l10n.t('Generating {0} images with {1}…', plan.count, plan.modelLabel),
    confirmationMessages: {
      title: plan.count === 1 ? vscode.l10n.t('Generate an image with Apiframe?') : vscode.l10n.t('Generate {0} images with Apiframe?', plan.count),
      message,
    },
  };
}

/** Where the images go: the folder (and the file name, when the path named one) in the workspace. */
interface ToolDestination {
  readonly folder: vscode.Uri;
  readonly fileName?: string;
}

/** A failure worded for the model; the text passes the redactor before it leaves. */
function toolError(services: CoreServices, text: string): Error {
  return new Error(services.redact(text));
}

async function invoke(services: CoreServices, input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
  const planned = planInput(services, input);
  if (!planned.ok) throw toolError(services, `${planned.problem} Nothing was generated.`);
  const { plan } = planned;
  const destination = destinationOf(services, plan);
  if (!(await services.apiKey.get())) {
    throw toolError(
      services,
      'No Apiframe API key is set, so nothing was generated. Ask the user to run "Apiframe: Set API Key" from the Command Palette, then call this tool again.',
    );
  }
  try {
    checkBaseUrl(settings.baseUrl());
  } catch (error) {
    throw toolError(services, `The Apiframe base URL setting cannot be used (${errorText(error)}), so nothing was generated.`);
  }
  const manager = await services.jobs();
  const group = plan.jobs.length > 1 ? randomUUID() : undefined;
  const settled = await Promise.all(
    plan.jobs.map(async (job, index): Promise<JobRecord | undefined> => {
      const jobGroup: JobGroup | undefined = group ? { id: group, kind: 'candidates', index, size: plan.jobs.length } : undefined;
      try {
        return await services.progress.follow(plan.prompt, (signal, onStage) =>
          manager.generate(
            { prompt: plan.prompt, model: plan.model, params: job.params, aspectRatio: plan.aspectRatio, ...(jobGroup ? { group: jobGroup } : {}) },
            { signal: withCancellation(signal, token), onStage },
          ),
        );
      } catch (error) {
        if (error instanceof JobStoppedError) return undefined;
        throw error;
      }
    }),
  );
  const records = settled.filter((record): record is JobRecord => record !== undefined);
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(await resultText(services, plan, records, destination))]);
}

/** The requested path resolved and checked, before anything is submitted; undefined: the destination setting decides. */
function destinationOf(services: CoreServices, plan: ToolPlan): ToolDestination | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    throw toolError(services, 'No workspace folder is open, so there is nowhere to save the image and nothing was generated. Ask the user to open a folder.');
  }
  if (plan.path === undefined) return undefined;
  const resolved = resolveRequestedPath(
    plan.path,
    folders.map((folder) => ({ name: folder.name, path: folder.uri.path })),
  );
  if (!resolved.ok) throw toolError(services, `${resolved.message} Nothing was generated.`);
  const workspaceFolder = folders[resolved.folderIndex] ?? folders[0];
  if (!workspaceFolder) throw toolError(services, 'The workspace folder is gone. Nothing was generated.');
  return { folder: workspaceFolder.uri.with({ path: resolved.folderPath }), ...(resolved.fileName !== undefined ? { fileName: resolved.fileName } : {}) };
}

/** The token's cancellation as an abort of `signal` too: the record becomes detached, the job keeps running. */
function withCancellation(signal: AbortSignal, token: vscode.CancellationToken): AbortSignal {
  if (token.isCancellationRequested) return AbortSignal.abort(new vscode.CancellationError());
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort(new vscode.CancellationError()));
  return AbortSignal.any([signal, controller.signal]);
}

/** Saves every image of the done records and says, for the model, what landed where and what it cost. */
async function resultText(services: CoreServices, plan: ToolPlan, records: readonly JobRecord[], destination: ToolDestination | undefined): Promise<string> {
  const manager = await services.jobs();
  const saved: string[] = [];
  const savedPaths = new Set<string>();
  const problems: string[] = [];
  let charged = 0;
  let chargeKnown = true;
  for (const given of records) {
    const record = manager.get(given.localId) ?? given;
    if (record.phase !== 'done') {
      problems.push(unfinishedText(services, record));
      continue;
    }
    if (typeof record.creditCost === 'number') charged += record.creditCost;
    else chargeKnown = false;
    for (const [index, file] of (record.files ?? []).entries()) {
      const cachedFile = manager.cachedFilePath(record, index);
      if (!cachedFile) continue;
      const usual = savedImageName({ prompt: record.prompt, jobId: record.jobId ?? record.localId, mime: file.mime, index });
      const fileName = destination?.fileName ? withExtension(destination.fileName, usual.extension) : usual.name;
      try {
        const result = await saveToWorkspace(services.ui, {
          cachedFile,
          fileName,
          extension: usual.extension,
          altText: altTextFromPrompt(record.prompt),
          ...(destination ? { targetFolder: destination.folder } : {}),
          nameIsFinal: true,
          metadata: metadataOfRecord(record),
        });
        if (!result) {
          problems.push(`An image of job ${record.localId} was not saved (the user cancelled choosing where).`);
          continue;
        }
        await rememberSavedCopy(services, record, result.uri, index);
        services.logger.info(`Agent tool: saved ${describeRecord(record)} to ${displayPath(result.uri)}.`);
        const path = vscode.workspace.asRelativePath(result.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
        const size = file.width !== undefined && file.height !== undefined ? ` (${file.width}×${file.height})` : '';
        const asked = destination?.fileName ? vscode.workspace.asRelativePath(vscode.Uri.joinPath(destination.folder, fileName), false) : undefined;
        // A name numbered because this call saved its sibling under the asked name is no news to the model.
        const renamed = asked !== undefined && posixBase(path) !== fileName && !savedPaths.has(asked) ? ` — ${asked} already existed and was not overwritten` : '';
        savedPaths.add(path);
        const converted = destination?.fileName && fileName !== destination.fileName ? ` — saved as .${usual.extension}, the format Apiframe returned` : '';
        saved.push(`- ${path}${size}${renamed}${converted}`);
      } catch (error) {
        problems.push(`An image of job ${record.localId} was generated (it is in the Apiframe gallery) but could not be saved: ${errorText(error)}`);
      }
    }
  }
  const altText = altTextFromPrompt(plan.prompt);
  if (saved.length === 0) {
    const reasons = problems.length > 0 ? problems.join(' ') : 'The job was stopped before it finished.';
    const spent = charged > 0 ? ` Credits charged: ${charged}.` : '';
    throw toolError(services, `No image was saved. ${reasons}${spent}`);
  }
  const lines = [
    `Saved ${saved.length} image${saved.length === 1 ? '' : 's'} generated with ${plan.modelLabel} (${plan.model}), paths relative to the workspace:`,
    ...saved,
    `Alt text: ${altText}`,
    chargeKnown ? `Credits charged: ${charged}.` : `Credits charged: ${charged} known; Apiframe did not report the cost of every job.`,
    ...(problems.length > 0 ? ['Not everything was saved:', ...problems.map((problem) => `- ${problem}`)] : []),
  ];
  return services.redact(lines.join('\n'));
}

/** Why a record did not finish, for the model: the server's reason, and what the user can do. */
function unfinishedText(services: CoreServices, record: JobRecord): string {
  switch (record.phase) {
    case 'failed': {
      const reason = services.redact(record.error ?? 'unknown error');
      const key = record.keyProblem ? ' Apiframe refused the API key: ask the user to run "Apiframe: Set API Key".' : '';
      return `The job failed: ${reason}${key}`;
    }
    case 'expired':
      return 'The image expired on Apiframe before it could be downloaded.';
    case 'needs-decision':
      return 'The job needs the user\'s decision (Apiframe could not confirm its state); the user can Look Again in the Apiframe gallery.';
    default: {
      const why = record.interruption ? ` (${services.redact(record.interruption)})` : '';
      return `Stopped waiting for the job${why}; it may still be running on Apiframe and the user can resume it from the Apiframe gallery.`;
    }
  }
}

/** `name` with its extension replaced by `extension` (the format Apiframe actually returned). */
function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (current === extension || (extension === 'jpg' && current === 'jpeg')) return name;
  return `${stem}.${extension}`;
}

function posixBase(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
