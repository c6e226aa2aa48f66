import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, readManifest } from '../../../harness/adapters/read-manifest.js';

const MANIFEST = new URL('../../../implementations/reference/qfc-manifest.json', import.meta.url).pathname;

describe('implementation manifests', () => {
  it('read the bundled example, resolving ./ and ../ against its directory', () => {
    const implementation = readManifest(MANIFEST);
    expect(implementation.name).toBe('qfc reference pair (as an external implementation)');
    expect(implementation.receiver?.argv).toEqual(['node', new URL('../../../dist/bin/qfile-unpacker.js', import.meta.url).pathname]);
    expect(implementation.receiver?.profiles['unsafe-symlinks']).toEqual(['--allow-unsafe-symlinks']);
    expect(implementation.sender?.ignoreSymlinks).toEqual(['--ignore-symlinks']);
    expect(implementation.openInVm?.server[0]).toBe('node');
  });

  it('default what they leave out', () => {
    const implementation = parseManifest('{"contract":1,"name":"r","receiver":{"command":["/bin/recv"]}}', '/base');
    expect(implementation).toEqual({ name: 'r', receiver: { argv: ['/bin/recv'], profiles: { default: [] }, timeResolution: 'ns' }, sender: null, openInVm: null, timeLimitMs: 10_000, memoryLimitMiB: 512, bindRo: [] });
  });

  const bad: readonly [string, string, string][] = [
    ['not JSON', '{', 'not JSON'],
    ['an array', '[]', 'the manifest must be an object'],
    ['a wrong contract', '{"contract":4,"name":"x","receiver":{"command":["a"]}}', 'contract must be one of 1, 2, 3'],
    ['no name', '{"contract":1,"receiver":{"command":["a"]}}', 'name must be a non-empty string'],
    ['no program', '{"contract":1,"name":"x"}', 'the manifest names no program'],
    ['an unknown field', '{"contract":1,"name":"x","recever":{}}', "the manifest has an unknown field 'recever'"],
    ['an empty command', '{"contract":1,"name":"x","receiver":{"command":[]}}', 'receiver.command must be a non-empty array of strings'],
    ['an unknown profile', '{"contract":1,"name":"x","receiver":{"command":["a"],"profiles":{"lenient":[]}}}', "receiver.profiles has an unknown field 'lenient'"],
    ['a bad resolution', '{"contract":1,"name":"x","receiver":{"command":["a"],"timeResolution":"ms"}}', "receiver.timeResolution must be 'ns' or 'us'"],
    ['a short time limit', '{"contract":1,"name":"x","timeLimitMs":5,"receiver":{"command":["a"]}}', 'timeLimitMs must be an integer of at least 100'],
    ['an OpenInVM pair without server', '{"contract":1,"name":"x","openInVm":{"client":["a"]}}', 'openInVm.server must be a non-empty array of strings'],
    ['a limit argument list without {}', '{"contract":3,"name":"x","receiver":{"command":["a"],"limits":{"bytes":["--max"]}}}', 'receiver.limits.bytes must hold {} where the value goes'],
    ['a bad limit variable', '{"contract":3,"name":"x","receiver":{"command":["a"],"limits":{"files":{"env":"1X"}}}}', 'receiver.limits.files.env must be an environment variable name'],
    ['an unknown limit', '{"contract":3,"name":"x","receiver":{"command":["a"],"limits":{"depth":["{}"]}}}', "receiver.limits has an unknown field 'depth'"],
    ['limits of another type', '{"contract":3,"name":"x","receiver":{"command":["a"],"limits":"none"}}', 'receiver.limits must be an object'],
    ['a tiny memory limit', '{"contract":3,"name":"x","memoryLimitMiB":1,"receiver":{"command":["a"]}}', 'memoryLimitMiB must be an integer from 16 to 65536'],
  ];
  for (const [what, text, message] of bad) {
    it(`refuse ${what} with a one-line error`, () => {
      expect(() => parseManifest(text, '/base')).toThrow(ManifestError);
      expect(() => parseManifest(text, '/base')).toThrow(message);
    });
  }
});

describe('receiver.limits, memoryLimitMiB and bindRo', () => {
  it('reads each way of taking the limits, and none', () => {
    const read = (limits: string) => parseManifest(`{"contract":3,"name":"x","receiver":{"command":["a"],"limits":${limits}}}`, '/base').receiver?.limits;
    expect(read('{"bytes":["--bytes-limit","{}"],"files":{"env":"MY_FILES"}}')).toEqual({ bytes: { args: ['--bytes-limit', '{}'] }, files: { env: 'MY_FILES' } });
    expect(read('{"files":["--files={}"]}')).toEqual({ bytes: null, files: { args: ['--files={}'] } });
    expect(read('null')).toBeNull();
    expect(parseManifest('{"contract":3,"name":"x","receiver":{"command":["a"]}}', '/base').receiver?.limits).toBeUndefined();
  });

  it('reads the memory cap and the extra visible paths (relative to the manifest)', () => {
    const implementation = parseManifest('{"contract":3,"name":"x","memoryLimitMiB":64,"bindRo":["./data","/opt/x"],"receiver":{"command":["a"]}}', '/base');
    expect(implementation.memoryLimitMiB).toBe(64);
    expect(implementation.bindRo).toEqual(['/base/data', '/opt/x']);
  });
});
