import type { CoreServices } from '../core';
import type { GalleryPanel } from '../gallery/galleryPanel';

/** `Apiframe: Show Images` — opens (or reveals) the gallery. `{ reveal: localId }` scrolls to one card. */
export async function showImages(services: CoreServices, args: readonly unknown[]): Promise<GalleryPanel> {
  const options = args[0];
  const reveal =
    typeof options === 'object' && options !== null && typeof (options as { reveal?: unknown }).reveal === 'string'
      ? (options as { reveal: string }).reveal
      : undefined;
  return services.showGallery(reveal ? { reveal } : {});
}
