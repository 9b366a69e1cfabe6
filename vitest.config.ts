import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The HTTP and end-to-end suites start real servers and a real browser.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The json report is what .ci/run reads to print "N passed, N failed".
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
