/**
 * End-to-end tests: Playwright drives Debian's Chromium (never `npx playwright
 * install`) against the browser harness, which serves the built renderer and the same
 * `window.api` backed by the real main-process services (STYLE.md §2).
 * Needs `npm run build` first (dist/harness/server.js and dist/renderer).
 */
import { defineConfig } from '@playwright/test';
import { E2E_FIXTURE_DIR, E2E_PORT } from './tests/e2e/support/e2eFixtures';

const chromiumPath = process.env.CXR_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  globalSetup: './tests/e2e/globalSetup.ts',
  // One harness holds one catalog: specs run one after another against it.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: {
    timeout: 10_000,
    // Rendering differs slightly between Chromium builds and software rasterisers.
    toHaveScreenshot: { maxDiffPixelRatio: 0.02, threshold: 0.2, animations: 'disabled' },
  },
  // A fresh checkout has no baseline yet: the first run writes it, later runs compare.
  updateSnapshots: 'missing',
  snapshotPathTemplate: '{testDir}/__screenshots__/{testFilePath}/{arg}{ext}',
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node dist/harness/server.js --port ${E2E_PORT} --open-paths ${E2E_FIXTURE_DIR}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});

