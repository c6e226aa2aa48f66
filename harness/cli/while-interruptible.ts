/**
 * SIGINT and SIGTERM during a run (Ctrl-C, a CI job's time-out): the first one stops the run
 * (every program is killed, the report of what ran is still written and the sandboxes removed;
 * the command then exits 130 or 143); a second SIGINT quits at once.
 */
import { stopAllContained } from '../sandbox/run-contained.js';
import type { Interruption } from '../certify/certify.js';

export async function whileInterruptible<T>(interruption: Interruption, body: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruption.signal !== null) {
      stopAllContained();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    interruption.signal = signal;
    process.stderr.write(`\nqfc: ${signal}: stopping the programs and writing the report of what ran (again to quit at once)\n`);
    stopAllContained();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
