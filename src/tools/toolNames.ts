/** The language-model tools the extension contributes (`contributes.languageModelTools` in package.json). */
export const GENERATE_IMAGE_TOOL = 'apiframe_generateImage';
