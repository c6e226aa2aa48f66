import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of the reference receiver (`npm run mutation`):
 * certify's receiver cases and the fuzz properties, both with the reference in-process, so
 * that the mutated source is what runs. A fixed fast-check seed: a mutant must meet the same
 * inputs as the dry run that measured which tests reach it.
 */
export default defineConfig({
  test: {
    include: ['test/implementations/reference/in-process-certify.test.ts', 'test/harness/engines/pbt/properties.test.ts'],
    setupFiles: ['test/mutation/fixed-seed.ts'],
    testTimeout: 60_000,
    fileParallelism: false,
  },
});
