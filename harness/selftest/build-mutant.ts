/**
 * Build a mutant (implementations/mutants/mutants.ts): copy the reference's TypeScript source
 * and the spec it imports into a scratch tree, apply the mutant's patch there (its text must
 * occur exactly once: a patch that no longer matches the reference is an error, never a
 * silent no-op), and bundle the patched program with esbuild into `dist/mutants/<id>.js`.
 * Bundles sit two levels below the package root, as the reference's own do, so that they
 * find the native addon the same way.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Mutant } from '../../implementations/mutants/mutants.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where mutant programs are built. */
export const MUTANTS_DIR = join(PACKAGE_ROOT, 'dist', 'mutants');

const ENTRY: Readonly<Record<Mutant['program'], string>> = {
  receiver: 'implementations/reference/receiver/cli.ts',
  sender: 'implementations/reference/sender/cli.ts',
  'editor-server': 'implementations/reference/open-in-vm/server-cli.ts',
  'editor-client': 'implementations/reference/open-in-vm/client-cli.ts',
};

/** A mutant whose patch does not apply to today's reference. */
export class StaleMutant extends Error {
  override readonly name = 'StaleMutant';
}

/** The patched text of the mutant's file; throws StaleMutant unless its text occurs exactly once. */
export function patchedSource(mutant: Mutant, source: string): string {
  const first = source.indexOf(mutant.find);
  if (first === -1) throw new StaleMutant(`mutant ${mutant.id}: its text is not in ${mutant.file} any more`);
  if (source.indexOf(mutant.find, first + 1) !== -1) throw new StaleMutant(`mutant ${mutant.id}: its text occurs more than once in ${mutant.file}`);
  return source.slice(0, first) + mutant.replace + source.slice(first + mutant.find.length);
}

/** Build `mutant`'s program; its path. */
export async function buildMutant(mutant: Mutant): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), `qfc-mutant-${mutant.id}-`));
  try {
    for (const tree of ['spec', 'implementations/reference']) cpSync(join(PACKAGE_ROOT, tree), join(scratch, tree), { recursive: true, filter: (path) => !path.includes('/native/build') && !path.endsWith('.md') });
    const file = join(scratch, mutant.file);
    writeFileSync(file, patchedSource(mutant, readFileSync(file, 'utf8')));
    mkdirSync(MUTANTS_DIR, { recursive: true });
    const outfile = join(MUTANTS_DIR, `${mutant.id}.js`);
    await build({
      entryPoints: [join(scratch, ENTRY[mutant.program])],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'error',
      // As the reference's bundles: CommonJS dependencies need a require in an ES module.
      banner: { js: "import { createRequire as qfcCreateRequire } from 'node:module'; const require = qfcCreateRequire(import.meta.url);" },
    });
    return outfile;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
