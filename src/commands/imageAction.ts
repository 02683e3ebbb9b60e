import type { ImageOperationRequest } from '../apiframe/imageOperations';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import type { InputImage } from '../jobs/types';
import type { ModelRequest } from './generation';

/** One image action on an existing image: what runs, how it is called, and the image it starts from. */
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

/** Journals and submits the job(s) (cost confirmation like a generation), follows them with the usual progress
 *  notification, shows them in the gallery with the source beside the result, and — for a workspace-file source —
 *  saves each result beside the original (`apiframe.resultFileName` pattern, never overwriting) and offers
 *  Open / Replace Original / Use in Document. Errors reported like a generation's. */
export function runImageAction(services: CoreServices, action: ImageActionRequest): Promise<void> {
  // The job layer underneath is being built: until then the action says so instead of doing half of it.
  services.logger.info(`Image action "${action.label}" on ${action.input.name} is not available yet.`);
  return Promise.reject(new UserFacingError(`"${action.label}" is not available yet.`));
}
