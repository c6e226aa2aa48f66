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
    ['a wrong contract', '{"contract":3,"name":"x","receiver":{"command":["a"]}}', 'contract must be one of 1, 2'],
    ['no name', '{"contract":1,"receiver":{"command":["a"]}}', 'name must be a non-empty string'],
    ['no program', '{"contract":1,"name":"x"}', 'the manifest names no program'],
    ['an unknown field', '{"contract":1,"name":"x","recever":{}}', "the manifest has an unknown field 'recever'"],
    ['an empty command', '{"contract":1,"name":"x","receiver":{"command":[]}}', 'receiver.command must be a non-empty array of strings'],
    ['an unknown profile', '{"contract":1,"name":"x","receiver":{"command":["a"],"profiles":{"lenient":[]}}}', "receiver.profiles has an unknown field 'lenient'"],
    ['a bad resolution', '{"contract":1,"name":"x","receiver":{"command":["a"],"timeResolution":"ms"}}', "receiver.timeResolution must be 'ns' or 'us'"],
    ['a short time limit', '{"contract":1,"name":"x","timeLimitMs":5,"receiver":{"command":["a"]}}', 'timeLimitMs must be an integer of at least 100'],
    ['an OpenInVM pair without server', '{"contract":1,"name":"x","openInVm":{"client":["a"]}}', 'openInVm.server must be a non-empty array of strings'],
  ];
  for (const [what, text, message] of bad) {
    it(`refuse ${what} with a one-line error`, () => {
      expect(() => parseManifest(text, '/base')).toThrow(ManifestError);
      expect(() => parseManifest(text, '/base')).toThrow(message);
    });
  }
});
