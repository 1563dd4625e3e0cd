/** Renderer entry: creates this window's stores around its API and mounts the app. */
import { StrictMode } from 'react';
import * as cornerstone from 'cornerstone-core';
import { createRoot } from 'react-dom/client';
import { getApi } from './lib/api';
import { createAppStores } from './features/app/AppContext';
import { localSessionStorage } from './stores/session';
import { App } from './App';
import './styles/app.css';

// The session (screen, study, image) survives reloads and restarts (issue #10).
const stores = createAppStores(getApi(), { session: localSessionStorage() });
// For the end-to-end performance probe (tests/e2e/perf.spec.ts): the stores, and a way
// to empty the image cache so "open → first frame" is measured cold each time.
(window as unknown as { __cxr?: unknown }).__cxr = {
  stores,
  purgeImageCache: () => cornerstone.imageCache.purgeCache(),
  imageCacheInfo: () => cornerstone.imageCache.getCacheInfo(),
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App stores={stores} />
  </StrictMode>,
);
