/**
 * Every command the extension contributes, in one list. The start-up bundle registers each id with a
 * stub that loads the core bundle on first use, so adding a command means: add its id here, its
 * handler file under `src/commands/`, its entry (argument parser and handler) in
 * `src/commands/commandTable.ts`, and its manifest entry with a localized title.
 * This module must stay free of imports: it is part of the start-up bundle.
 */
export const COMMAND_IDS = [
  'apiframe.generateFromSelection',
  'apiframe.generate',
  'apiframe.generateHere',
  'apiframe.setApiKey',
  'apiframe.removeApiKey',
  'apiframe.showImages',
  'apiframe.showLog',
  'apiframe.chooseModel',
  'apiframe.compareModels',
  // Internal: called by the gallery, by notification buttons and by the tests with a record id.
  'apiframe.saveImage',
  'apiframe.insertImage',
  'apiframe.resumeJob',
  'apiframe.submitAnew',
  // On an image in the Explorer or the image preview, and in the palette.
  'apiframe.rerunFromImage',
  // Actions on an existing image: in the Explorer and the image preview (an image URI), and in the palette.
  'apiframe.removeBackground',
  'apiframe.upscaleImage',
  // Internal: the "Saved beside" message and the gallery, with a record id and an image index.
  'apiframe.replaceOriginal',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Commands that take a record id and make no sense in the palette (hidden there by the manifest). */
export const INTERNAL_COMMAND_IDS: readonly CommandId[] = [
  'apiframe.saveImage',
  'apiframe.insertImage',
  'apiframe.resumeJob',
  'apiframe.submitAnew',
  'apiframe.replaceOriginal',
];

/**
 * `globalState` key the core keeps `true` while some job is unfinished, so `onStartupFinished` can decide
 * without loading the core bundle whether there is anything to resume.
 */
export const PENDING_JOBS_STATE_KEY = 'apiframe.hasUnfinishedJobs';
