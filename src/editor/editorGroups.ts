import * as vscode from 'vscode';

/**
 * The editor group to show a file in next to the gallery: the group of the last text editor, else the group
 * nearest to the gallery's, so the gallery stays visible and no third column squeezes it. Only when the
 * gallery is alone in the window does this open a second group beside it.
 */
export function columnBesideGallery(galleryColumn: vscode.ViewColumn | undefined, lastEditor: vscode.TextEditor | undefined): vscode.ViewColumn {
  const editorColumn = lastEditor?.viewColumn;
  if (editorColumn !== undefined && editorColumn !== galleryColumn) return editorColumn;
  if (galleryColumn === undefined) return editorColumn ?? vscode.ViewColumn.Active;
  const others = vscode.window.tabGroups.all.map((group) => group.viewColumn).filter((column) => column !== galleryColumn);
  if (others.length === 0) return vscode.ViewColumn.Beside;
  return others.reduce((nearest, column) => (Math.abs(column - galleryColumn) < Math.abs(nearest - galleryColumn) ? column : nearest));
}
