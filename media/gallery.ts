import { startGallery, type VsCodeApi } from './galleryApp';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('gallery');
if (root) startGallery(root, acquireVsCodeApi(), { virtualize: true });
