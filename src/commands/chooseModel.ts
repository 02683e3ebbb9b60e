import * as vscode from 'vscode';
import type { ImageModelId } from '../apiframe/imageModels';
import type { CoreServices } from '../container/services';
import { FAMILY_LABELS, groupByFamily, type CatalogSnapshot } from '../models/catalog';
import * as settings from '../settings';
import type { ChooseModelArguments } from './commandArguments';
import { unitCost } from './costSummary';
import { priceText } from './generation';

export interface ModelItem extends vscode.QuickPickItem {
  readonly model?: ImageModelId;
}

/**
 * The picker's items: a separator per family, each model with its price and pricing mode, the current one
 * marked. With `checked` (a multi-select pick) those models start checked instead.
 */
export function modelPickItems(snapshot: CatalogSnapshot, current: ImageModelId, checked?: ReadonlySet<ImageModelId>): ModelItem[] {
  const items: ModelItem[] = [];
  for (const { family, models } of groupByFamily(snapshot.models)) {
    items.push({ label: FAMILY_LABELS[family], kind: vscode.QuickPickItemKind.Separator });
    for (const entry of models) {
      const isCurrent = entry.id === current && !checked;
      items.push({
        model: entry.id,
        label: isCurrent ? `$(check) ${entry.label}` : entry.label,
        description: isCurrent ? `${priceText(unitCost(entry), entry.pricingMode)} · ${vscode.l10n.t('in use')}` : priceText(unitCost(entry), entry.pricingMode),
        ...(entry.description ? { detail: entry.description } : {}),
        ...(checked ? { picked: checked.has(entry.id) } : {}),
      });
    }
  }
  return items;
}

/** Says, quietly, where the prices come from when the server could not be asked ('' when it answered). */
export function offlineNote(snapshot: CatalogSnapshot): string {
  if (snapshot.error === undefined) return '';
  if (snapshot.fetchedAt === undefined) return ` ${vscode.l10n.t('(offline: built-in prices)')}`;
  return ` ${vscode.l10n.t('(offline: prices of {0})', new Date(snapshot.fetchedAt).toLocaleDateString(vscode.env.language))}`;
}

/**
 * `Apiframe: Choose Model…` — the image models of the catalog grouped by family, each with its cost range and
 * pricing mode; the choice is written to `apiframe.model`. A `{ model }` argument chooses without asking.
 */
export async function chooseModel(services: CoreServices, given: ChooseModelArguments): Promise<ImageModelId | undefined> {
  let model = given.model;
  if (!model) {
    const snapshot = await services.models.catalog();
    const picked = await services.ui.quickPick(modelPickItems(snapshot, services.models.currentModel()), {
      title: vscode.l10n.t('Choose the image model') + offlineNote(snapshot),
      placeHolder: vscode.l10n.t('Costs are in Apiframe credits; several candidates multiply them'),
      matchOnDescription: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    model = picked?.model;
  }
  if (!model) return undefined;
  await settings.setImageModel(model);
  services.logger.info(`Image model for new images: ${model}.`);
  return model;
}
