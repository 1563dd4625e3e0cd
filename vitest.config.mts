import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: keep parallelism modest so timing-sensitive tests stay stable.
    maxWorkers: 2,
    reporters: ['default'],
    globalSetup: ['tests/unit/globalSetup.ts'],
  },
});
