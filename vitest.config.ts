import { configDefaults, defineConfig } from 'vitest/config';

// The tests against a real Cosmos DB (or its emulator) are collected only when
// COSMOS_ENDPOINT names one; otherwise they do not exist for this run.
const withRealCosmos = Boolean(process.env.COSMOS_ENDPOINT);

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: withRealCosmos ? configDefaults.exclude : [...configDefaults.exclude, 'tests/real-cosmos/**'],
    // The HTTP and end-to-end suites start real servers and a real browser.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A worker whose event loop stalls is reported and killed instead of hanging the run.
    setupFiles: ['tests/support/watchdog.ts'],
    // The json report is what .ci/run reads to print "N passed, N failed".
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
