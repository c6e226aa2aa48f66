/**
 * The built reference programs, as commands for tests.
 */
import { fileURLToPath } from 'node:url';

const dist = (path: string): string => fileURLToPath(new URL(`../../dist/implementations/reference/${path}`, import.meta.url));

export const QFILE_UNPACKER = dist('receiver/cli.js');
export const QFILE_AGENT = dist('sender/cli.js');
export const QOPEN_IN_VM = dist('open-in-vm/client-cli.js');
export const VM_FILE_EDITOR = dist('open-in-vm/server-cli.js');
