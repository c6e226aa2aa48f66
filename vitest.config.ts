import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property runs and model predictions are CPU-bound; two cores is the budget on CI.
    testTimeout: 60_000,
    // One test file at a time: many files run certify, fuzz and hostile fork floods against
    // real sandboxes; side by side on two cores they starved each other into rare false
    // results (a lost answer under load), which a CI gate must not show.
    fileParallelism: false,
    // Within a file, tests marked concurrent (bounded by runs, never by time) run two at a time.
    maxConcurrency: 2,
    coverage: {
      provider: 'v8',
      include: ['spec/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { branches: 95, lines: 95, functions: 95, statements: 95 },
    },
  },
});
