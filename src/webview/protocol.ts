/**
 * The typed message protocol between the extension host and the gallery webview. Imported by both
 * sides (`src/` and `media/`), so it must stay free of `vscode` and Node imports.
 */
export type WebviewToHost = { readonly type: 'ready' };
export type HostToWebview = { readonly type: 'init' };
