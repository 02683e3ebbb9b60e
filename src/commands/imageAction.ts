import * as vscode from 'vscode';
import { IMAGE_MODELS, paramsSchemaOf, type ModelParamValues } from '../apiframe/imageModels';
import { checkOperationRequest, OPERATION_MODELS, type ImageOperationRequest, type OperationModelId } from '../apiframe/imageOperations';
import { checkBaseUrl } from '../apiframe/urls';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { describeRecord } from '../jobs/jobTexts';
import { JobStoppedError, type FollowOptions, type JobManager } from '../jobs/managerApi';
import type { InputImage, JobOperation, JobRecord } from '../jobs/types';
import { unitCost } from './costSummary';
import { ALWAYS_CONFIRM, formatCostRange, needsCostConfirmation, type CostRange } from '../models/cost';
import * as settings from '../settings';
import { afterJob } from './afterJob';
import { generateForModels, priceText, type ModelRequest } from './generation';

export interface ImageActionRequest {
  /** What to run: an operation (its request with '' in the image field when `input.uri` must be uploaded),
   *  or a generation that takes the input as its reference image (Edit with Prompt, Make Variations). */
  readonly job:
    | { readonly operation: ImageOperationRequest }
    | { readonly generation: ModelRequest; readonly count?: number };
  /** "Remove Background", "Upscale ×2", "Extend: Make square", "Upscale 2" — card, notification, log. */
  readonly label: string;
  /** File-name suffix of a result saved beside its source: no-bg, 2x, wide, square, edit, var, u2, v3 … */
  readonly suffix: string;
  /** The source image (without upload fields): a workspace file (`uri`, `name`) or a gallery image (`localId`, `index`, `name`);
   *  for a generation also `referenceParam` (the model parameter that takes the uploaded URL). */
  readonly input: InputImage;
}

/**
 * Stands in for the upload's URL while a request is checked before anything is journaled: the job manager puts
 * the real one in after the upload, before the submit.
 */
const UPLOAD_PLACEHOLDER_URL = 'https://uploads.apiframe.invalid/input.png';

/** Journals and submits the job(s) (cost confirmation like a generation), follows them with the usual progress
 *  notification, shows them in the gallery with the source beside the result, and — for a workspace-file source —
 *  saves each result beside the original (`apiframe.resultFileName` pattern, never overwriting) and offers
 *  Open / Replace Original / Use in Document. Errors reported like a generation's. */
export async function runImageAction(services: CoreServices, action: ImageActionRequest): Promise<void> {
  if ('generation' in action.job) {
    await runGeneration(services, action, action.job.generation, action.job.count);
    return;
  }
  await runOperation(services, action, action.job.operation);
}

/** Image files the actions take from the Explorer, the image preview or the open dialog. */
export const ACTION_IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];
/** VS Code's built-in image preview: from the palette, the image it shows is the one meant. */
const IMAGE_PREVIEW = 'imagePreview.previewEditor';

/**
 * The image an action works on: the one the Explorer or the preview's title passed, else the one the active
 * image preview shows, else one the user picks (undefined when they cancel).
 */
export async function actionImageFile(services: CoreServices, given: vscode.Uri | undefined, openLabel: string): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputCustom && tab.viewType === IMAGE_PREVIEW) return tab.uri;
  const picked = await services.ui.openDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { [vscode.l10n.t('Images')]: ACTION_IMAGE_EXTENSIONS },
    openLabel,
    title: openLabel,
  });
  return picked?.[0];
}

/** A workspace file as an action's input: its URI and its name. */
export function workspaceImageInput(file: vscode.Uri): InputImage {
  return { uri: file.toString(), name: file.path.slice(file.path.lastIndexOf('/') + 1) };
}

/** "2 credits per job" / "price unknown": what an operation model costs, as far as the catalog says. */
export function operationPriceText(services: CoreServices, model: OperationModelId): string {
  return priceText(operationCost(services, model), undefined);
}

/**
 * The price of one job of an operation model, when the catalog lists it. Apiframe's `/v2/models` lists image
 * models only today, so this is usually unknown; the real figure arrives with the job (`creditCost`).
 */
function operationCost(services: CoreServices, model: OperationModelId): CostRange | undefined {
  const entry = services.models.peek().models.find((known) => (known.id as string) === model);
  return entry ? unitCost(entry) : undefined;
}

async function runOperation(services: CoreServices, action: ImageActionRequest, given: ImageOperationRequest): Promise<void> {
  // The key and the journal load at once (see generateForModels); without a key nothing is journaled.
  const starting = services.jobs();
  void starting.catch(() => undefined);
  await services.apiKey.require();
  checkBaseUrl(settings.baseUrl());
  const manager = await starting;
  const operation = withParentJob(manager, given, action.input);
  const problems = checkOperationRequest(withPlaceholderImage(operation));
  if (problems.length > 0) {
    const text = problems.map((problem) => `${problem.path.join('.')} ${problem.message}`).join('; ');
    throw new UserFacingError(vscode.l10n.t('{0} cannot take these parameters, nothing was sent: {1}', action.label, text));
  }
  const cost = operation.kind === 'midjourneyAction' ? undefined : operationCost(services, operation.request.model);
  if (!(await confirmActionCost(services, action, cost))) return;
  const jobOperation: JobOperation = {
    kind: operation.kind,
    request: operation.request as unknown as Readonly<Record<string, unknown>>,
    label: action.label,
    suffix: action.suffix,
  };
  const title = `${action.label}: ${action.input.name}`;
  const input = { operation: jobOperation, input: action.input };
  const record = await followToTheEnd(services, manager, title, (current, options) => current.runOperation(input, options));
  if (record) await afterJob(services, record);
}

/**
 * Follows a job with its notification until it settles. When the window's job manager is replaced meanwhile
 * (the same window starts a new one on the same journal), the job is followed on to its end there, so its
 * result is still saved beside the original; when the window is closing, nothing more happens here.
 */
async function followToTheEnd(
  services: CoreServices,
  manager: JobManager,
  title: string,
  start: (manager: JobManager, options: FollowOptions) => Promise<JobRecord>,
): Promise<JobRecord | undefined> {
  let localId: string | undefined;
  try {
    return await services.progress.follow(title, (signal, onStage) => start(manager, { signal, onStage, onJournaled: (record) => (localId = record.localId) }));
  } catch (error) {
    if (!(error instanceof JobStoppedError)) {
      services.errors.report(error, vscode.l10n.t('Running "{0}"', title));
      return undefined;
    }
    const next = error.reason === 'disposed' ? await services.jobs().catch(() => undefined) : undefined;
    const resumed = localId;
    if (!next || next === manager || resumed === undefined) {
      services.logger.info(`Stopped following "${title}": ${error.message}`);
      return undefined;
    }
    services.logger.info(`Following "${title}" on in the new job manager.`);
    try {
      return await services.progress.follow(title, (signal, onStage) => next.resume(resumed, { signal, onStage }), { localId: resumed });
    } catch (again) {
      if (!(again instanceof JobStoppedError)) services.errors.report(again, vscode.l10n.t('Running "{0}"', title));
      return undefined;
    }
  }
}

/** A Midjourney action on a gallery image acts on that record's job. */
function withParentJob(manager: JobManager, operation: ImageOperationRequest, input: InputImage): ImageOperationRequest {
  if (operation.kind !== 'midjourneyAction' || input.localId === undefined) return operation;
  const parent = manager.get(input.localId);
  if (!parent?.jobId) throw new UserFacingError(vscode.l10n.t('{0} has no Apiframe job to act on.', input.name));
  return { kind: 'midjourneyAction', request: { ...operation.request, parentJobId: parent.jobId } };
}

/** The request as it will be sent, with a stand-in for the URL the upload will give (for the local check only). */
function withPlaceholderImage(operation: ImageOperationRequest): ImageOperationRequest {
  if (operation.kind === 'midjourneyAction') return operation;
  const { paramsKey } = OPERATION_MODELS[operation.request.model];
  const request = operation.request as unknown as Record<string, Record<string, unknown> | undefined>;
  const params = request[paramsKey] ?? {};
  const image = typeof params.image === 'string' && params.image !== '' ? params.image : UPLOAD_PLACEHOLDER_URL;
  return { kind: operation.kind, request: { ...request, [paramsKey]: { ...params, image } } } as unknown as ImageOperationRequest;
}

/**
 * Edit with Prompt and Make Variations: a generation whose model takes the input as its reference image. The
 * request is planned and its cost confirmed like any generation; each job uploads the input before its submit.
 */
async function runGeneration(services: CoreServices, action: ImageActionRequest, given: ModelRequest, count: number | undefined): Promise<void> {
  const reference = action.input.referenceParam;
  const { model } = given.options;
  const schema = reference === undefined ? undefined : paramsSchemaOf(model).properties[reference];
  if (reference === undefined || !schema) {
    throw new UserFacingError(vscode.l10n.t('{0} takes no reference image, so it cannot work on {1}.', IMAGE_MODELS[model].family, action.input.name));
  }
  const isList = schema.type === 'array' || Array.isArray(schema.type);
  // The parameter is checked with a stand-in URL; the manager puts the uploaded one in before the submit.
  const params: ModelParamValues = { ...given.options.params, [reference]: isList ? [UPLOAD_PLACEHOLDER_URL] : UPLOAD_PLACEHOLDER_URL };
  const request: ModelRequest = {
    ...given,
    options: { ...given.options, params, ...(count !== undefined ? { count } : {}) },
    input: action.input,
    inputAction: { label: action.label, suffix: action.suffix },
  };
  const records = await generateForModels(services, [request], 'candidates');
  for (const record of records) services.logger.debug(`Image action "${action.label}" settled: ${describeRecord(record)} ${record.phase}.`);
}

/**
 * The modal question before paying, as for a generation (`apiframe.confirmAboveCredits`): the action's price
 * when the catalog gives one, else that it is unknown. Resolves true to go ahead.
 */
async function confirmActionCost(services: CoreServices, action: ImageActionRequest, cost: CostRange | undefined): Promise<boolean> {
  const threshold = services.models.confirmAboveCredits();
  if (!needsCostConfirmation(cost, threshold)) return true;
  const why =
    cost === undefined
      ? vscode.l10n.t("Apiframe's catalog gives no price for this action, so the cost cannot be said in advance; the job reports what it cost.")
      : threshold === ALWAYS_CONFIRM
        ? vscode.l10n.t('You asked to confirm every request (apiframe.confirmAboveCredits is 0).')
        : vscode.l10n.t('You are asked because it may cost more than {0} credits (apiframe.confirmAboveCredits).', threshold);
  const confirm = vscode.l10n.t('Run');
  const text = cost
    ? vscode.l10n.t('{0} on {1} may cost {2} credits. Run it?', action.label, action.input.name, formatCostRange(cost))
    : vscode.l10n.t('The cost of {0} on {1} is unknown. Run it?', action.label, action.input.name);
  const choice = await services.ui.message('warning', text, [confirm], { modal: true, detail: why });
  if (choice !== confirm) services.logger.info(`The user declined the cost of "${action.label}": nothing was submitted.`);
  return choice === confirm;
}
