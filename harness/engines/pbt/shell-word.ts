/**
 * A word of a printed command line, quoted for a POSIX shell when it needs it: replay
 * commands are copied from a terminal or a report and pasted into a shell.
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
