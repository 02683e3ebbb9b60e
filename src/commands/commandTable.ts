import type { CommandId } from '../commandIds';
import type { CoreServices } from '../container/services';
import {
  ignoreArguments,
  parseChooseModelArguments,
  parseCommandArguments,
  parseCompareModelsArguments,
  parseGenerateArguments,
  parseGenerateHereArguments,
  parseRecordArguments,
  parseRecordImageArguments,
  parseRerunFromImageArguments,
  parseSetApiKeyArguments,
  parseShowImagesArguments,
  type ArgumentParser,
} from './commandArguments';
import { chooseModel } from './chooseModel';
import { compareModels } from './compareModels';
import { generate } from './generate';
import { generateFromSelection } from './generateFromSelection';
import { generateHere } from './generateHere';
import { insertImage } from './insertImage';
import { removeApiKey } from './removeApiKey';
import { removeBackground } from './removeBackground';
import { replaceOriginal } from './replaceOriginal';
import { rerunFromImage } from './rerunFromImage';
import { resumeJob } from './resumeJob';
import { saveImage } from './saveImage';
import { setApiKey } from './setApiKey';
import { showImages } from './showImages';
import { showLog } from './showLog';
import { submitAnew } from './submitAnew';
import { upscaleImage } from './upscaleImage';

/** One command as the core runs it: the raw arguments in, the handler's result out (failures are thrown). */
export interface CommandDefinition {
  run(services: CoreServices, id: CommandId, args: readonly unknown[]): Promise<unknown>;
}

/** Pairs a handler with the parser of its arguments, so the handler only ever sees typed, checked values. */
function command<A>(parse: ArgumentParser<A>, handler: (services: CoreServices, args: A) => unknown): CommandDefinition {
  return {
    async run(services, id, args) {
      // Awaited here so a bad argument (thrown by the parser) and a failed handler both become this rejection.
      return await handler(services, parseCommandArguments(id, parse, args));
    },
  };
}

/** The command table: one entry per contributed command id (the compiler checks it is complete). */
export const COMMAND_TABLE: Readonly<Record<CommandId, CommandDefinition>> = {
  'apiframe.generateFromSelection': command(parseGenerateArguments, generateFromSelection),
  'apiframe.generate': command(parseGenerateArguments, generate),
  'apiframe.generateHere': command(parseGenerateHereArguments, generateHere),
  'apiframe.setApiKey': command(parseSetApiKeyArguments, setApiKey),
  'apiframe.removeApiKey': command(ignoreArguments, removeApiKey),
  'apiframe.showImages': command(parseShowImagesArguments, showImages),
  'apiframe.showLog': command(ignoreArguments, showLog),
  'apiframe.chooseModel': command(parseChooseModelArguments, chooseModel),
  'apiframe.compareModels': command(parseCompareModelsArguments, compareModels),
  'apiframe.saveImage': command(parseRecordArguments, saveImage),
  'apiframe.insertImage': command(parseRecordArguments, insertImage),
  'apiframe.resumeJob': command(parseRecordArguments, resumeJob),
  'apiframe.submitAnew': command(parseRecordArguments, submitAnew),
  'apiframe.rerunFromImage': command(parseRerunFromImageArguments, rerunFromImage),
  'apiframe.removeBackground': command(parseRerunFromImageArguments, removeBackground),
  'apiframe.upscaleImage': command(parseRerunFromImageArguments, upscaleImage),
  'apiframe.replaceOriginal': command(parseRecordImageArguments, replaceOriginal),
};
