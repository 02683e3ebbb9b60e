import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { IMAGE_MODELS, isImageModelId, type ImageGenerationRequest, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import { DALLE_STYLES } from '../apiframe/types';
import { checkBaseUrl } from '../apiframe/urls';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { describeRecord, recordTitle } from '../jobs/jobTexts';
import { JobStoppedError, type GenerateInput } from '../jobs/managerApi';
import { paramsOf } from '../jobs/records';
import type { ImageAction, InputImage, JobGroup, JobOrigin, JobRecord } from '../jobs/types';
import { applyAspectRatio, aspectRatioOf } from '../models/aspectRatio';
import { imageCountSupport, type CandidatePlan } from '../models/candidates';
import { ALWAYS_CONFIRM, formatCostRange, needsCostConfirmation, type CostRange } from '../models/cost';
import { planImageRequests } from '../models/requests';
import { shortPrompt } from '../progress/jobProgress';
import * as settings from '../settings';
import { afterJob } from './afterJob';
import { summarizeCost, type CostLine, type CostSummary } from './costSummary';
import type { ImageOptions } from './imageOptions';
import { promptProblem } from './promptInput';

export interface GenerationRequest {
  readonly prompt: string;
  readonly origin?: JobOrigin;
  /** A reference image uploaded before the submit (into `input.referenceParam`), and what the user asked of it. */
  readonly input?: InputImage;
  readonly inputAction?: ImageAction;
}

/** One prompt for one model with its options: planned into one job or several. */
export interface ModelRequest extends GenerationRequest {
  readonly options: ImageOptions;
}

/** A prompt's plan: the candidate plan and the request body of each job. */
interface PlannedPrompt {
  readonly request: ModelRequest;
  readonly plan: CandidatePlan;
  readonly bodies: readonly ImageGenerationRequest[];
}

/**
 * Starts the jobs for every request (each prompt with the same options), each job with its own cancellable
 * notification, and resolves when all have settled (done, failed, detached or expired) and their follow-up ran.
 * Without a key it says so and offers "Set API Key" before anything is journaled.
 */
export async function generateImages(services: CoreServices, requests: readonly GenerationRequest[], options: ImageOptions): Promise<JobRecord[]> {
  return generateForModels(services, requests.map((request) => ({ ...request, options })), 'candidates');
}

/**
 * Plans every request (ratio mapped to the model's field, parameters checked, candidates as the model makes them),
 * asks before paying when the highest cost is above `apiframe.confirmAboveCredits`, then journals and submits
 * each job. `compare` puts every job in one group (one prompt, several models); `candidates` gives each prompt
 * whose candidates are separate jobs a group of its own. Declining the cost submits and journals nothing.
 */
export async function generateForModels(services: CoreServices, requests: readonly ModelRequest[], kind: JobGroup['kind']): Promise<JobRecord[]> {
  // Reading the key (a round trip to the workbench's secret storage) and starting the job manager (reading the
  // journal) are independent, so the first use pays for the slower of the two, not their sum. The key still
  // decides first: without one the user is told so, and nothing is journaled.
  const starting = services.jobs();
  void starting.catch(() => undefined); // awaited below; a failure is reported there, once
  await services.apiKey.require();
  // A base URL the client would refuse: say so now, before a record is journaled for nothing.
  checkBaseUrl(settings.baseUrl());
  for (const request of requests) {
    const problem = promptProblem(request.prompt, IMAGE_MODELS[request.options.model].promptMaxLength);
    if (problem) throw new UserFacingError(problem);
  }
  const planned = requests.map((request) => planPrompt(services, request));
  if (!(await confirmCost(services, summarizeCost(planned.map((p) => p.plan), (model) => services.models.entryFor(model))))) return [];
  const inputs = inputsOf(planned, kind);
  const manager = await starting;
  const settled = await Promise.all(
    inputs.map(async (input) => {
      try {
        const record = await services.progress.follow(input.prompt, (signal, onStage) => manager.generate(input, { signal, onStage }));
        await afterJob(services, record);
        return record;
      } catch (error) {
        if (error instanceof JobStoppedError) {
          // The window is closing or the record was deleted: nothing the user needs to be told about.
          services.logger.info(`Stopped following "${shortPrompt(input.prompt)}": ${error.message}`);
          return undefined;
        }
        services.errors.report(error, vscode.l10n.t('Generating "{0}"', shortPrompt(input.prompt)));
        return undefined;
      }
    }),
  );
  return settled.filter((record): record is JobRecord => record !== undefined);
}

/** Re-runs a record as it was: its model, its parameter block (seed included) and its image count. */
export function rerunRecord(services: CoreServices, record: JobRecord): Promise<JobRecord[]> {
  if (record.operation || record.input || !isImageModelId(record.model)) {
    // Its input image was uploaded for that one job: the action is run again from the image itself.
    throw new UserFacingError(vscode.l10n.t('This image was made from another image: run the action again on that image.'));
  }
  return rerunRequest(services, { prompt: record.prompt, model: record.model, params: paramsOf(record), aspectRatio: record.aspectRatio, origin: record.origin });
}

/** A request sent again as it was (from a record, or read back from a saved image): same model, block and count. */
export interface RepeatedRequest {
  readonly prompt: string;
  readonly model: ImageModelId;
  readonly params: Readonly<ModelParamValues>;
  readonly aspectRatio: string;
  readonly origin?: JobOrigin;
}

export async function rerunRequest(services: CoreServices, request: RepeatedRequest): Promise<JobRecord[]> {
  const params: ModelParamValues = { ...request.params };
  const support = imageCountSupport(request.model);
  const counted = support.kind === 'parameter' ? params[support.name] : undefined;
  const options: ImageOptions = {
    model: request.model,
    aspectRatio: request.aspectRatio,
    params,
    count: typeof counted === 'number' ? counted : 1,
  };
  return generateForModels(services, [{ prompt: request.prompt, origin: request.origin, options }], 'candidates');
}

/** The ratio in the model's field (parameters that already give it, like FLUX's own width and height, kept) and the plan. */
function planPrompt(services: CoreServices, request: ModelRequest): PlannedPrompt {
  const { model, aspectRatio, params, count } = request.options;
  const label = services.models.entryFor(model).label;
  const withRatio = aspectRatioOf(model, params) === aspectRatio ? { ok: true as const, params } : applyAspectRatio(model, aspectRatio, params);
  if (!withRatio.ok) {
    throw new UserFacingError(vscode.l10n.t('{0} does not take the aspect ratio {1}. It takes {2}.', label, aspectRatio, withRatio.choices.join(', ')));
  }
  const planned = planImageRequests({ model, prompt: request.prompt, params: withRatio.params, count });
  if (!planned.ok) {
    const { paramsKey } = IMAGE_MODELS[model];
    const problems = planned.problems.map((problem) => `${[paramsKey, ...problem.path].join('.')} ${problem.message}`);
    throw new UserFacingError(vscode.l10n.t('{0} cannot take these parameters, nothing was sent: {1}', label, problems.join('; ')));
  }
  return { request, plan: planned.plan, bodies: planned.requests };
}

/** One manager input per job; jobs that belong together share a group. */
function inputsOf(planned: readonly PlannedPrompt[], kind: JobGroup['kind']): GenerateInput[] {
  const jobs = planned.flatMap(({ request, bodies }) => bodies.map((body) => ({ request, body })));
  const compareGroup = kind === 'compare' && jobs.length > 1 ? randomUUID() : undefined;
  const inputs: GenerateInput[] = [];
  let compareIndex = 0;
  for (const { request, bodies } of planned) {
    const candidatesGroup = kind === 'candidates' && bodies.length > 1 ? randomUUID() : undefined;
    bodies.forEach((body, index) => {
      const { model } = request.options;
      const block = (body as unknown as Record<string, unknown>)[IMAGE_MODELS[model].paramsKey];
      const params: ModelParamValues = block && typeof block === 'object' ? { ...(block as ModelParamValues) } : {};
      const style = DALLE_STYLES.find((known) => known === params.style && model.startsWith('dall-e'));
      const group: JobGroup | undefined = compareGroup
        ? { id: compareGroup, kind: 'compare', index: compareIndex++, size: jobs.length }
        : candidatesGroup
          ? { id: candidatesGroup, kind: 'candidates', index, size: bodies.length }
          : undefined;
      inputs.push({
        prompt: request.prompt,
        model,
        params,
        aspectRatio: request.options.aspectRatio,
        ...(style ? { style } : {}),
        ...(request.origin ? { origin: request.origin } : {}),
        ...(group ? { group } : {}),
        ...(request.input ? { input: request.input, ...(request.inputAction ? { inputAction: request.inputAction } : {}) } : {}),
      });
    });
  }
  return inputs;
}

/** "8–16 credits per image" / "20–40 credits per job" / "price unknown": a model's price as the picker and the dialog say it. */
export function priceText(unit: CostRange | undefined, pricingMode: CostLine['pricingMode']): string {
  if (!unit) return vscode.l10n.t('price unknown');
  const range = formatCostRange(unit);
  switch (pricingMode) {
    case 'per-output':
      return vscode.l10n.t('{0} credits per image', range);
    case 'per-second':
      return vscode.l10n.t('{0} credits per second', range);
    default:
      return vscode.l10n.t('{0} credits per job', range);
  }
}

/**
 * The modal question before paying, when `apiframe.confirmAboveCredits` asks for it: each model with its price,
 * how many it buys and what that may cost, and the total. Resolves true to go ahead.
 */
async function confirmCost(services: CoreServices, summary: CostSummary): Promise<boolean> {
  const threshold = services.models.confirmAboveCredits();
  if (!needsCostConfirmation(summary.total, threshold)) return true;
  const lines = summary.lines.map((line) =>
    line.unit && line.total
      ? vscode.l10n.t('{0}: {1} × {2} = {3} credits (images: {4})', line.label, priceText(line.unit, line.pricingMode), line.units, formatCostRange(line.total), line.images)
      : vscode.l10n.t('{0}: {1} images, price unknown', line.label, line.images),
  );
  const why =
    summary.total === undefined
      ? vscode.l10n.t('The catalog gives no price for this model, so the cost cannot be said in advance.')
      : threshold === ALWAYS_CONFIRM
        ? vscode.l10n.t('You asked to confirm every request (apiframe.confirmAboveCredits is 0).')
        : vscode.l10n.t('You are asked because it may cost more than {0} credits (apiframe.confirmAboveCredits).', threshold);
  const confirm = vscode.l10n.t('Generate');
  const text = summary.total
    ? vscode.l10n.t('This may cost {0} credits. Generate?', formatCostRange(summary.total))
    : vscode.l10n.t('The cost of this request is unknown. Generate?');
  const choice = await services.ui.message('warning', text, [confirm], { modal: true, detail: [...lines, '', why].join('\n') });
  if (choice !== confirm) services.logger.info('The user declined the cost: nothing was submitted.');
  return choice === confirm;
}

/**
 * Follows a detached (or interrupted) record again, with a notification, then runs its follow-up like a new job.
 * Resume may come from several places for one job (its stopped notice, the gallery, a command): a record this
 * window already follows with a notification is not followed twice (its follow-up would run twice), and a
 * record that finished meanwhile is not "resumed" into a second follow-up — each says so instead.
 */
export async function resumeRecord(services: CoreServices, localId: string): Promise<JobRecord | undefined> {
  const manager = await services.jobs();
  const record = manager.get(localId);
  if (!record) return undefined;
  if (services.progress.isFollowing(localId)) {
    services.logger.info(`Job ${describeRecord(record)}: Resume ignored, it is already being followed.`);
    offerToShow(services, record, vscode.l10n.t('"{0}" is already being followed: its progress is in the notification and the status bar.', shortPrompt(recordTitle(record))));
    return record;
  }
  if (record.phase === 'done') {
    services.logger.info(`Job ${describeRecord(record)}: Resume ignored, the image is already done.`);
    offerToShow(services, record, vscode.l10n.t('"{0}" is already done.', shortPrompt(recordTitle(record))));
    return record;
  }
  await services.apiKey.require();
  const lookAgain = record.phase === 'needs-decision';
  services.logger.info(
    lookAgain
      ? `Job ${describeRecord(record)}: Look Again at the user's request (asking Apiframe once more, without submitting).`
      : `Job ${describeRecord(record)}: resumed at the user's request.`,
  );
  const resumed = await services.progress.follow(recordTitle(record), (signal, onStage) => manager.resume(localId, { signal, onStage }), { localId });
  await afterJob(services, resumed);
  return resumed;
}

/** Says why nothing new starts for the record, with a way to its card. */
function offerToShow(services: CoreServices, record: JobRecord, text: string): void {
  const show = vscode.l10n.t('Show Images');
  void services.ui.message('info', text, [show]).then((choice) => {
    if (choice === show) void services.showGallery({ reveal: record.localId });
  });
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
    services.logger.debug(`Submit Anew ignored for job ${describeRecord(record)} in phase ${record.phase}.`);
    return undefined;
  }
  // Without a key there is nothing to confirm: say so first (the error reporter offers Set API Key).
  await services.apiKey.require();
  const confirm = vscode.l10n.t('Submit Anew');
  const choice = await services.ui.message(
    'warning',
    vscode.l10n.t('Submit "{0}" to Apiframe again?', shortPrompt(recordTitle(record))),
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
    services.logger.info(`Submit Anew for job ${current ? describeRecord(current) : localId} not needed any more (${current ? `phase ${current.phase}` : 'deleted'}).`);
    return current;
  }
  services.logger.info(`Job ${describeRecord(current)}: Submit Anew at the user's request (the same idempotency key is sent).`);
  const settled = await services.progress.follow(recordTitle(current), (signal, onStage) => manager.submitAnew(localId, { signal, onStage }), { localId });
  await afterJob(services, settled);
  return settled;
}

function waitsForSubmitDecision(record: JobRecord): boolean {
  return record.phase === 'needs-decision' && record.decision === 'unknown-submit';
}
