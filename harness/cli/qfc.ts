#!/usr/bin/env node
/**
 * qfc: the qfilecopy conformance and fuzzing suite's command line.
 *
 * Every failure the user can cause is one line on stderr and exit status 2; a stack trace
 * means a bug in qfc.
 */
import { CLAUSES } from '../../spec/clauses.js';
import { ManifestError } from '../adapters/read-manifest.js';
import { CorpusError } from '../corpus/add-to-corpus.js';
import { parseArguments, UsageError } from './arguments.js';
import { CERTIFY_FLAGS, CERTIFY_USAGE, CERTIFY_VALUES, certifyCommand, REPLAY_USAGE, replayCommand } from './certify-command.js';
import { FUZZ_USAGE, fuzzCommand } from './fuzz-command.js';
import { FUZZ_FLAGS, FUZZ_VALUES } from './fuzz-setup.js';
import { CORPUS_USAGE, CORPUS_VALUES, corpusCommand } from './corpus-command.js';
import { PREDICT_USAGE, predictCommand } from './predict-command.js';
import { REPORT_USAGE, reportCommand } from './report-command.js';
import { DIFF_FLAGS, DIFF_USAGE, DIFF_VALUES, diffCommand } from './diff-command.js';
import { SELFTEST_FLAGS, SELFTEST_USAGE, SELFTEST_VALUES, selftestCommand } from './selftest-command.js';
import { MATRIX_FLAGS, MATRIX_USAGE, MATRIX_VALUES, matrixCommand } from './matrix-command.js';
import { CERTIFICATE_FLAGS, CERTIFICATE_USAGE, CERTIFICATE_VALUES, certificateCommand } from './certificate-command.js';
import { bundledVersion } from './version.js';
import { InitProgramError } from '../sandbox/init-program.js';

const USAGE = `usage: qfc <command> [options]   (qfc <command> --help for each)

commands:
  certify        run the conformance catalogue against an implementation (default: the bundled reference pair)
  replay         run corpus streams against a receiver
  fuzz           fuzzing of an implementation (fast-check or Jazzer.js); saves what it finds in the corpus
  report         render a report again from its results.json
  diff OLD NEW   what changed between two runs: regressions, fixed cases, added and removed cases
  matrix RUN...  several runs side by side (HTML with filters, and Markdown)
  selftest       certify the seeded-bug mutants of the reference and write the kill matrix
  certificate    verify a certificate (qfc certify --certificate), or make a signing key pair
  corpus add     store a stream as a corpus case with its expectation
  predict FILE   what the spec predicts a receiver does with a stream
  clauses        list every requirement of the spec with its id
  --version      print the version`;

const PREDICT_FLAGS = ['--allow-all-names', '--allow-unsafe-symlinks', '--no-non-canonical-symlinks', '--no-directories', '--no-symlinks', '--root', '--no-tmpfile', '--json', '--help'];
const PREDICT_VALUES = ['--mode', '--bytes-limit', '--files-limit'];

async function run(argv: readonly string[]): Promise<{ text: string; status: number }> {
  const [command, ...rest] = argv;
  const done = (text: string, status = 0) => ({ text, status });
  const commandLine = ['qfc', ...argv].join(' ');
  switch (command) {
    case 'certify': {
      const args = parseArguments(rest, CERTIFY_FLAGS, CERTIFY_VALUES);
      return args.flag('--help') ? done(CERTIFY_USAGE) : done('', await certifyCommand(args, commandLine));
    }
    case 'replay': {
      const args = parseArguments(rest, CERTIFY_FLAGS, CERTIFY_VALUES);
      return args.flag('--help') ? done(REPLAY_USAGE) : done('', await replayCommand(args, commandLine));
    }
    case 'fuzz': {
      const args = parseArguments(rest, FUZZ_FLAGS, FUZZ_VALUES);
      return args.flag('--help') ? done(FUZZ_USAGE) : done('', await fuzzCommand(args, commandLine));
    }
    case 'report': {
      const args = parseArguments(rest, ['--help'], ['--out']);
      return done(args.flag('--help') ? REPORT_USAGE : reportCommand(args));
    }
    case 'diff': {
      const args = parseArguments(rest, DIFF_FLAGS, DIFF_VALUES);
      if (args.flag('--help')) return done(DIFF_USAGE);
      const { text, status } = diffCommand(args);
      return done(text, status);
    }
    case 'selftest': {
      const args = parseArguments(rest, SELFTEST_FLAGS, SELFTEST_VALUES);
      return args.flag('--help') ? done(SELFTEST_USAGE) : done('', await selftestCommand(args, commandLine));
    }
    case 'matrix': {
      const args = parseArguments(rest, MATRIX_FLAGS, MATRIX_VALUES);
      return done(args.flag('--help') ? MATRIX_USAGE : matrixCommand(args));
    }
    case 'certificate': {
      const args = parseArguments(rest, CERTIFICATE_FLAGS, CERTIFICATE_VALUES);
      if (args.flag('--help')) return done(CERTIFICATE_USAGE);
      const { text, status } = certificateCommand(args);
      return done(text, status);
    }
    case 'corpus': {
      const args = parseArguments(rest, ['--help'], CORPUS_VALUES);
      return done(args.flag('--help') ? CORPUS_USAGE : corpusCommand(args));
    }
    case 'predict': {
      const args = parseArguments(rest, PREDICT_FLAGS, PREDICT_VALUES);
      return done(args.flag('--help') ? PREDICT_USAGE : predictCommand(args));
    }
    case 'clauses':
      parseArguments(rest, [], []);
      return done(CLAUSES.map((clause) => `${clause.id.padEnd(32)} ${clause.level.padEnd(6)} §${clause.section.padEnd(4)} ${clause.requirement}`).join('\n'));
    case '--version':
      return done(`qfc ${bundledVersion()}`);
    case undefined:
    case '--help':
    case 'help':
      return done(USAGE);
    default:
      throw new UsageError(`unknown command '${command}' (try qfc --help)`);
  }
}

try {
  const { text, status } = await run(process.argv.slice(2));
  if (text !== '') process.stdout.write(`${text}\n`);
  process.exitCode = status;
} catch (error) {
  if (error instanceof UsageError || error instanceof ManifestError || error instanceof CorpusError || error instanceof InitProgramError) {
    process.stderr.write(`qfc: ${error.message.split('\n')[0]}\n`);
    process.exitCode = 2;
  } else {
    // A bug in qfc, not a verdict: one line (the stack with QFC_DEBUG=1), and a status that is
    // neither 1 (a case failed, with a report) nor 2 (bad usage).
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`qfc: internal error: ${message.split('\n')[0]}${process.env.QFC_DEBUG === '1' && error instanceof Error ? `\n${error.stack}` : ' (QFC_DEBUG=1 shows where)'}\n`);
    process.exitCode = 70;
  }
}
