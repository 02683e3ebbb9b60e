import * as vscode from 'vscode';
import type { ImageModelId, ModelParamValues } from '../apiframe/imageModels';
import { checkBaseUrl } from '../apiframe/urls';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { describeRecord } from '../jobs/jobTexts';
import { JobStoppedError } from '../jobs/managerApi';
import type { JobOrigin, JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import * as settings from '../settings';
import { afterJob } from './afterJob';
import type { ImageOptions } from './imageOptions';
import { promptProblem } from './promptInput';

export interface GenerationRequest {
  readonly prompt: string;
  readonly origin?: JobOrigin;
  /**
   * The exact request to send again (Re-run from Image), already checked against the model's schema and its own
   * prompt limit: used instead of the options' aspect ratio and style.
   */
  readonly exact?: { readonly model: ImageModelId; readonly params: ModelParamValues; readonly aspectRatio: string };
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
  // Reading the key (a round trip to the workbench's secret storage) and starting the job manager (reading the
  // journal) are independent, so the first use pays for the slower of the two, not their sum. The key still
  // decides first: without one the user is told so, and nothing is journaled.
  const starting = services.jobs();
  void starting.catch(() => undefined); // awaited below; a failure is reported there, once
  await services.apiKey.require();
  // A base URL the client would refuse: say so now, before a record is journaled for nothing.
  checkBaseUrl(settings.baseUrl());
  for (const request of requests) {
    const problem = request.exact ? undefined : promptProblem(request.prompt);
    if (problem) throw new UserFacingError(problem);
  }
  const manager = await starting;
  const settled = await Promise.all(
    requests.map(async (request) => {
      try {
        const record = await services.progress.follow(request.prompt, (signal, onStage) =>
          manager.generate(
            request.exact ? { prompt: request.prompt, ...request.exact, origin: request.origin } : { prompt: request.prompt, ...options, origin: request.origin },
            { signal, onStage },
          ),
        );
        await afterJob(services, record);
        return record;
      } catch (error) {
        if (error instanceof JobStoppedError) {
          // The window is closing or the record was deleted: nothing the user needs to be told about.
          services.logger.info(`Stopped following "${shortPrompt(request.prompt)}": ${error.message}`);
          return undefined;
        }
        services.errors.report(error, vscode.l10n.t('Generating "{0}"', shortPrompt(request.prompt)));
        return undefined;
      }
    }),
  );
  return settled.filter((record): record is JobRecord => record !== undefined);
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
    offerToShow(services, record, vscode.l10n.t('"{0}" is already being followed: its progress is in the notification and the status bar.', shortPrompt(record.prompt)));
    return record;
  }
  if (record.phase === 'done') {
    services.logger.info(`Job ${describeRecord(record)}: Resume ignored, the image is already done.`);
    offerToShow(services, record, vscode.l10n.t('"{0}" is already done.', shortPrompt(record.prompt)));
    return record;
  }
  await services.apiKey.require();
  const lookAgain = record.phase === 'needs-decision';
  services.logger.info(
    lookAgain
      ? `Job ${describeRecord(record)}: Look Again at the user's request (asking Apiframe once more, without submitting).`
      : `Job ${describeRecord(record)}: resumed at the user's request.`,
  );
  const resumed = await services.progress.follow(record.prompt, (signal, onStage) => manager.resume(localId, { signal, onStage }), { localId });
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
    services.logger.info(`Submit Anew for job ${current ? describeRecord(current) : localId} not needed any more (${current ? `phase ${current.phase}` : 'deleted'}).`);
    return current;
  }
  services.logger.info(`Job ${describeRecord(current)}: Submit Anew at the user's request (the same idempotency key is sent).`);
  const settled = await services.progress.follow(current.prompt, (signal, onStage) => manager.submitAnew(localId, { signal, onStage }), { localId });
  await afterJob(services, settled);
  return settled;
}

function waitsForSubmitDecision(record: JobRecord): boolean {
  return record.phase === 'needs-decision' && record.decision === 'unknown-submit';
}
