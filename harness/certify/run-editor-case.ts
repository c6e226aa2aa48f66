/**
 * Run one qubes.OpenInVM case: a client file in source/, the server's private root in
 * editor-root/, an opener script that records what it was given and then edits, leaves,
 * fails, empties or replaces the file; or a raw filename field sent straight to the server.
 * The judge checks the original file, what is left behind, and that nothing outside the
 * editor root changed.
 */
import { chmodSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { listSandboxDirectory, readSandboxFile } from '../sandbox/read-sandbox-file.js';
import { join } from 'node:path';
import { toHex } from '../../spec/byte-string.js';
import type { EditorCase } from '../catalogue/catalogue-case.js';
import { runContained, startContained, type ContainedResult } from '../sandbox/run-contained.js';
import { chownTree, type SandboxPaths } from '../sandbox/sandbox-root.js';
import { inSandbox } from './in-sandbox.js';
import { takeSnapshot, walkSnapshot } from '../sandbox/snapshot.js';
import { containmentViolations } from '../verdicts/containment-violations.js';
import type { Snapshot } from '../../spec/invariants/snapshot.js';
import type { CaseResult, CaseViolation } from '../verdicts/case-result.js';
import { containment, MIN_FILE_SIZE_CAP, programEnvironment, receivingUser, STDERR_CAP, STDOUT_CAP, type RunSettings } from './run-settings.js';

const ORIGINAL = 'original content\n';
const REMOTE = 'qfc-remote';
const FIELD_SIZE = 256;
const SANITIZED = /^[0-9A-Za-z._+@-]+$/;
const VIEW_ONLY_PREFIX_LENGTH = 'view-only-'.length;

/** The name the server must store a client file under: the field's cut, then the substitution. */
function expectedStoredName(fileName: string, viewOnly: boolean): string {
  const bytes = Buffer.from(fileName);
  const room = FIELD_SIZE - 1 - (viewOnly ? VIEW_ONLY_PREFIX_LENGTH : 0);
  return [...bytes.subarray(Math.max(0, bytes.length - room))].map((byte) => (SANITIZED.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : '_')).join('');
}

function openerScript(behaviour: EditorCase['opener'], log: string, outside: string): string {
  const act = {
    edit: 'echo "edited in the disposable VM" >> "$1"',
    none: 'exit 0',
    fail: 'echo "opener failed on purpose" >&2; exit 3',
    truncate: ': > "$1"',
    link: `rm -f "$1" && ln -s "${outside}/sentinel.txt" "$1"`,
  }[behaviour];
  return `#!/bin/sh\nprintf '%s %s\\n' "$(stat -c %a "$1")" "$1" >> "${log}"\n${act}\n`;
}

/** Changes outside the editor root and the opener's log: the server must write nowhere else. */
function strayChanges(before: Snapshot, after: Snapshot, allowed: readonly string[]): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !allowed.some((prefix) => key === prefix || key.startsWith(`${prefix}/`))).filter((key) => {
    const a = before[key];
    const b = after[key];
    return a === undefined || b === undefined || a.digest !== b.digest || a.mode !== b.mode || a.type !== b.type || a.linkTarget !== b.linkTarget;
  });
}

async function runPair(testCase: EditorCase, sandbox: SandboxPaths, settings: RunSettings, serverEnv: Record<string, string>, clientEnv: Record<string, string>, common: Omit<Parameters<typeof startContained>[0], 'argv' | 'cwd' | 'env'>): Promise<[ContainedResult | null, ContainedResult]> {
  const programs = settings.implementation.openInVm!;
  if (testCase.rawField !== undefined) {
    const input = testCase.rawField.length === FIELD_SIZE ? Buffer.concat([testCase.rawField, Buffer.from('content')]) : testCase.rawField;
    return [null, await runContained({ ...common, argv: programs.server, cwd: sandbox.root, env: serverEnv, stdin: input })];
  }
  const client = startContained({ ...common, argv: [...programs.client, ...(testCase.viewOnly ? ['--view-only'] : []), testCase.fileName], cwd: sandbox.source, env: clientEnv });
  const server = startContained({ ...common, argv: programs.server, cwd: sandbox.root, env: serverEnv });
  let toServer = Promise.resolve();
  let toClient = Promise.resolve();
  client.onStdout((chunk) => {
    toServer = toServer.then(() => server.write(chunk));
  });
  server.onStdout((chunk) => {
    toClient = toClient.then(() => client.write(chunk));
  });
  // A side's output ending is the other side's end of input, as through qrexec.
  client.onStdoutEnd(() => void toServer.then(() => server.end()));
  server.onStdoutEnd(() => void toClient.then(() => client.end()));
  return Promise.all([client.done, server.done]);
}

export async function runEditorCase(testCase: EditorCase, settings: RunSettings): Promise<CaseResult> {
  const base = { id: testCase.id, kind: 'editor' as const, category: testCase.category, title: testCase.title, clauses: testCase.clauses, profile: testCase.viewOnly ? 'view-only' : 'default' };
  if (settings.implementation.openInVm === null) return { ...base, verdict: 'skipped', expected: {}, observed: {}, violations: [], notes: ['the implementation has no qubes.OpenInVM pair'], ms: 0 };
  if (testCase.unwritableDirectory === true && receivingUser(settings).uid === 0) {
    return { ...base, verdict: 'skipped', expected: {}, observed: {}, violations: [], notes: ['root can write in any directory: run with --uid to check this case'], ms: 0 };
  }
  return (await inSandbox(settings, testCase.id, async (sandbox) => ({ result: await runEditorCaseIn(testCase, settings, sandbox, base) }))).result;
}

/** What the run left, for deciding whether upstream's documented behaviour explains a violation. */
interface EditorAftermath {
  readonly sandbox: SandboxPaths;
  readonly editorRoot: string;
  readonly leftovers: readonly string[];
  readonly current: string | null;
}

/**
 * True when `violation` is exactly what upstream's vm-file-editor does here: one empty private
 * directory left in the editor root, or the original replaced by what the opener's link points to.
 */
function upstreamExplains(does: NonNullable<EditorCase['upstream']>['does'], violation: CaseViolation, after: EditorAftermath): boolean {
  if (does === 'leaves-empty-private-directory') {
    const [only, ...more] = after.leftovers;
    const privateDirectory = only !== undefined && more.length === 0 && new RegExp(`^${REMOTE}-[A-Za-z0-9]{6}$`).test(only);
    return violation.clause === 'open.cleanup' && privateDirectory && listSandboxDirectory(after.sandbox.root, join(after.editorRoot, only))?.length === 0;
  }
  const linked = readSandboxFile(after.sandbox.root, join(after.sandbox.outside, 'sentinel.txt'));
  return violation.clause === 'open.server-confined' && linked !== null && after.current === linked;
}

/** The case in its sandbox: set the files up, run the pair, judge what changed. */
/** The inode number at `path` (not following a last-component link), or null. */
function inodeOf(path: string): bigint | null {
  try {
    return lstatSync(path, { bigint: true }).ino;
  } catch {
    return null;
  }
}

async function runEditorCaseIn(testCase: EditorCase, settings: RunSettings, sandbox: SandboxPaths, base: Pick<CaseResult, 'id' | 'kind' | 'category' | 'title' | 'clauses' | 'profile'>): Promise<CaseResult> {
  const editorRoot = join(sandbox.root, 'editor-root');
  const clientTmp = join(sandbox.root, 'client-tmp');
  const log = join(sandbox.root, 'opened.log');
  const opener = join(sandbox.root, 'opener.sh');
  const file = join(sandbox.source, testCase.fileName);
  mkdirSync(editorRoot, { mode: 0o755 });
  mkdirSync(clientTmp, { mode: 0o755 });
  writeFileSync(log, '');
  writeFileSync(opener, openerScript(testCase.opener, log, sandbox.outside));
  chmodSync(opener, 0o755);
  writeFileSync(file, ORIGINAL, { mode: 0o640 });
  if (settings.owner !== null) for (const path of [editorRoot, clientTmp, log, sandbox.source]) chownTree(path, settings.owner);
  if (testCase.unwritableDirectory === true) chmodSync(sandbox.source, 0o555);
  const originalInode = inodeOf(file);
  const before = takeSnapshot(sandbox.root);
  const common = {
    writableRoot: sandbox.root,
    stdin: null,
    timeLimitMs: settings.implementation.timeLimitMs,
    stdoutCap: STDOUT_CAP * 16,
    stderrCap: STDERR_CAP,
    fileSizeCap: MIN_FILE_SIZE_CAP,
    ...containment(settings),
  };
  const serverEnv = programEnvironment({}, { QREXEC_REMOTE_DOMAIN: REMOTE, QFC_OPENER: opener, QFC_EDITOR_ROOT: editorRoot });
  const clientEnv = programEnvironment({}, { QFC_TMPDIR: clientTmp });
  const [client, server] = await runPair(testCase, sandbox, settings, serverEnv, clientEnv, common);
  const { snapshot: after, overflow } = walkSnapshot(sandbox.root);
  const notes: string[] = [];
  const violations: CaseViolation[] = overflow === null ? [] : [{ clause: 'inv.bounded', detail: `the programs left a tree too large to judge: ${overflow}` }];
  // Read back without following links: a hostile program may have swapped these for links to host files.
  const tampered: string[] = [];
  const readBack = (path: string): string | null => readSandboxFile(sandbox.root, path);
  const listBack = (path: string): string[] => {
    const names = listSandboxDirectory(sandbox.root, path);
    if (names === null) tampered.push(path.slice(sandbox.root.length + 1));
    return names ?? [];
  };
  const log0 = readBack(log);
  if (log0 === null) tampered.push('opened.log');
  const opened = (log0 ?? '').trim().split('\n').filter(Boolean);
  const leftovers = listBack(editorRoot);
  for (const [run, who] of [[client, 'the OpenInVM client'], [server, 'the OpenInVM server']] as const) {
    if (run?.spawnError) return { ...base, verdict: 'error', expected: {}, observed: {}, violations: [], notes: [`cannot start ${who}: ${run.spawnError}`], ms: 0 };
    if (run !== null) violations.push(...containmentViolations(run, who, settings.implementation.timeLimitMs));
  }
  if (leftovers.length > 0) violations.push({ clause: 'open.cleanup', detail: `left in the editor root: ${leftovers.join(', ')}` });
  const stray = strayChanges(before, after, ['editor-root', 'opened.log', 'client-tmp', `source/${testCase.fileName}`]).filter((key) => !key.startsWith('source/'));
  if (stray.length > 0) violations.push({ clause: 'open.server-confined', detail: `changed outside the editor root: ${stray.join(', ')}` });
  const current = readBack(file);
  const beside = listBack(sandbox.source).filter((name) => name !== testCase.fileName);
  if (beside.length > 0) violations.push({ clause: 'open.client-atomic', detail: `left beside the original: ${beside.join(', ')}` });
  for (const line of opened) {
    const [mode, path] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    const name = path.slice(path.lastIndexOf('/') + 1);
    const directory = path.slice(0, path.lastIndexOf('/'));
    if (!SANITIZED.test(name) || name === '.' || name === '..') violations.push({ clause: 'open.server-name', detail: `the opener got the unsanitized name ${JSON.stringify(name)}` });
    if (!directory.startsWith(`${editorRoot}/${REMOTE}-`) || directory.slice(editorRoot.length + 1).includes('/')) violations.push({ clause: 'open.private-directory', detail: `the file was stored in ${directory}, not in a private ${REMOTE}-XXXXXX directory` });
    const wantMode = testCase.viewOnly ? '400' : '600';
    if (testCase.rawField === undefined && mode !== wantMode) violations.push({ clause: 'open.exclusive-file', detail: `the file was stored with mode ${mode}, expected ${wantMode}` });
    const wantName = expectedStoredName(testCase.fileName, testCase.viewOnly);
    if (testCase.rawField === undefined && name !== wantName) violations.push({ clause: 'open.left-truncation', detail: `the file was stored as ${JSON.stringify(name)}, expected ${JSON.stringify(wantName)}` });
  }
  const kept = listBack(clientTmp);
  if (tampered.length > 0) violations.push({ clause: 'open.server-confined', detail: `qfc's own files were replaced or removed (links are never followed): ${tampered.join(', ')}` });
  if (testCase.unwritableDirectory === true) {
    const saved = kept.find((name) => /^file_edited_in_dvm\..+/.test(name));
    const content = saved === undefined ? null : readBack(join(clientTmp, saved));
    if (content !== `${ORIGINAL}edited in the disposable VM\n`) violations.push({ clause: 'open.client-unwritable', detail: `no file_edited_in_dvm.XXXXXX with the edited content in the client's temporary directory (found ${JSON.stringify(kept)})` });
    if (client === null || !client.stderr.toString('utf8').includes(saved ?? 'file_edited_in_dvm')) violations.push({ clause: 'open.client-unwritable', detail: 'the user was not told where the edited file is' });
    if (current !== ORIGINAL) violations.push({ clause: 'open.client-unwritable', detail: 'the original changed although its directory is read-only' });
  } else if (testCase.rawField === undefined) {
    if (kept.length > 0) violations.push({ clause: 'open.client-atomic', detail: `a reply was kept in the temporary directory although the original could take it: ${kept.join(', ')}` });
    const edited = testCase.opener === 'edit' && !testCase.viewOnly;
    const wanted = edited ? `${ORIGINAL}edited in the disposable VM\n` : ORIGINAL;
    if (current !== wanted) {
      const clause = testCase.opener === 'truncate' ? 'open.client-empty-reply' : testCase.viewOnly ? 'open.client-view-only' : edited ? 'open.send-back' : 'open.server-confined';
      violations.push({ clause, detail: `the original holds ${JSON.stringify(current?.slice(0, 200))}, expected ${JSON.stringify(wanted)}` });
    }
    // Renamed over the original from a complete file beside it, the reply is a new inode; one
    // written into the original in place (which a crash or a full disk leaves half-written) is not.
    if (edited && current === wanted && inodeOf(file) === originalInode) violations.push({ clause: 'open.client-atomic', detail: 'the reply was written into the original in place, not renamed over it from a temporary file beside it' });
    if (opened.length !== 1) violations.push({ clause: 'open.content', detail: `the opener ran ${opened.length} times, expected once` });
    if (client?.status !== 0) violations.push({ clause: 'open.client-atomic', detail: `the client exited ${client?.status ?? client?.signal}` });
  } else if (testCase.id === 'field-without-nul') {
    if (opened.length !== 1 || !opened[0]!.endsWith(`/${'a'.repeat(255)}`)) violations.push({ clause: 'open.field-layout', detail: `256 bytes without NUL must give a 255-byte name; the opener got ${JSON.stringify(opened)}` });
  } else if (testCase.id === 'field-control-characters') {
    if (opened.length !== 1 || !opened[0]!.endsWith('/a___b')) violations.push({ clause: 'open.server-name', detail: `control characters must become _; the opener got ${JSON.stringify(opened)}` });
  } else if (opened.length > 0) {
    violations.push({ clause: testCase.clauses[0] ?? 'open.server-name', detail: `the server should refuse this field, but ran the opener on ${opened.join(', ')}` });
  }
  const explained = testCase.upstream !== undefined && violations.length > 0 && violations.every((violation) => upstreamExplains(testCase.upstream!.does, violation, { sandbox, editorRoot, leftovers, current }));
  if (explained) notes.push(`behaves like upstream: ${testCase.upstream!.why}`, ...violations.map((violation) => `${violation.clause}: ${violation.detail}`));
  return {
    ...base,
    verdict: violations.length === 0 ? 'pass' : explained ? 'info' : 'fail',
    expected: { original: testCase.rawField === undefined ? (testCase.opener === 'edit' && !testCase.viewOnly ? 'edited' : 'unchanged') : 'untouched', editorRootAfter: 'empty' },
    observed: {
      clientExitStatus: client?.status ?? null,
      serverExitStatus: server.status,
      opened,
      original: current,
      editorRootAfter: leftovers,
      serverStderr: server.stderr.toString('utf8').slice(0, 2048),
    },
    violations: explained ? [] : violations,
    notes,
    ms: server.ms,
    ...(client?.timedOut === true || server.timedOut ? { timedOut: true } : {}),
    ...(testCase.rawField === undefined ? {} : { streamHex: toHex(testCase.rawField), streamLength: testCase.rawField.length }),
  };
}
