/**
 * Setup for vitest.mutation.config.ts: every property of the mutation run starts from one
 * seed, so each mutant is judged on the inputs the dry run measured coverage with.
 */
import { fc } from '@fast-check/vitest';

fc.configureGlobal({ seed: 20261202 });
