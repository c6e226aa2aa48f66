#!/usr/bin/env node
/**
 * qfc: the qfilecopy conformance and fuzzing suite's command line.
 *
 * Every failure the user can cause is one line on stderr and exit status 2; a stack trace
 * means a bug in qfc.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUSES } from '../../spec/index.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { parseArguments, UsageError } from './arguments.js';
import { PREDICT_USAGE, predictCommand } from './predict-command.js';

const USAGE = `usage: qfc <command> [options]

commands:
  predict FILE   what the spec predicts a receiver does with a stream (see qfc predict --help)
  clauses        list every requirement of the spec with its id
  --version      print the version`;

const PREDICT_FLAGS = ['--allow-all-names', '--allow-unsafe-symlinks', '--no-non-canonical-symlinks', '--no-directories', '--no-symlinks', '--root', '--no-tmpfile', '--json', '--help'];
const PREDICT_VALUES = ['--mode', '--bytes-limit', '--files-limit'];

function version(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return `qfc ${manifest.version}`;
}

function run(argv: readonly string[]): string {
  const [command, ...rest] = argv;
  switch (command) {
    case 'predict': {
      const args = parseArguments(rest, PREDICT_FLAGS, PREDICT_VALUES);
      return args.flag('--help') ? PREDICT_USAGE : predictCommand(args);
    }
    case 'clauses':
      parseArguments(rest, [], []);
      return CLAUSES.map((clause) => `${clause.id.padEnd(32)} ${clause.level.padEnd(6)} §${clause.section.padEnd(4)} ${clause.requirement}`).join('\n');
    case '--version':
      return version();
    case undefined:
    case '--help':
    case 'help':
      return USAGE;
    default:
      throw new UsageError(`unknown command '${command}' (try qfc --help)`);
  }
}

try {
  process.stdout.write(`${run(process.argv.slice(2))}\n`);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`qfc: ${error.message.split('\n')[0]}\n`);
  process.exitCode = 2;
}
