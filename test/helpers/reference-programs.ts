/**
 * The built reference programs, as commands for tests.
 */
import { fileURLToPath } from 'node:url';

// The bundled programs, exactly what the package's bins run.
const bin = (name: string): string => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));

export const QFILE_UNPACKER = bin('qfile-unpacker');
export const QFILE_AGENT = bin('qfile-agent');
export const QOPEN_IN_VM = bin('qopen-in-vm');
export const VM_FILE_EDITOR = bin('vm-file-editor');
