import type { CoreServices } from '../container/services';
import type { GalleryPanel } from '../gallery/galleryPanel';
import type { ShowImagesArguments } from './commandArguments';

/** `Apiframe: Show Images` — opens (or reveals) the gallery. `{ reveal: localId }` scrolls to one card. */
export function showImages(services: CoreServices, { reveal }: ShowImagesArguments): Promise<GalleryPanel> {
  return services.showGallery(reveal ? { reveal } : {});
}
