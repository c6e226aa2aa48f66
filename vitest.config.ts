import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property runs and model predictions are CPU-bound; two cores is the budget on CI.
    testTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['spec/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { branches: 95, lines: 95, functions: 95, statements: 95 },
    },
  },
});
