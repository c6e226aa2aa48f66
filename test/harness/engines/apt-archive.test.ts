import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemCodename, systemDebianArchive } from '../../../harness/engines/jazzer/apt-archive.js';

function etcApt(list: string | null, parts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qfc-apt-'));
  mkdirSync(join(dir, 'sources.list.d'));
  if (list !== null) writeFileSync(join(dir, 'sources.list'), list);
  for (const [name, text] of Object.entries(parts)) writeFileSync(join(dir, 'sources.list.d', name), text);
  return dir;
}

describe('the system Debian archive', () => {
  it('is read from a deb822 file, skipping security and disabled entries', () => {
    const dir = etcApt(null, {
      'debian.sources': [
        'Types: deb\nURIs: http://disabled.invalid/debian\nSuites: bookworm\nComponents: main\nEnabled: no',
        '# comment\nTypes: deb\nURIs: http://security.invalid/debian-security\nSuites: bookworm-security\nComponents: main',
        'Types: deb deb-src\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main contrib\nSigned-By: /keys/archive.gpg',
      ].join('\n\n'),
      'other.list.disabled': 'deb http://ignored.invalid/ x main',
    });
    expect(systemDebianArchive(dir, 'bookworm')).toEqual({ uri: 'http://mirror.invalid/debian', signedBy: '/keys/archive.gpg' });
  });

  it('is read from a one-line sources.list, with options', () => {
    const dir = etcApt('# old style\ndeb-src http://src.invalid/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://one.invalid/debian bookworm main\n', {});
    expect(systemDebianArchive(dir, 'bookworm')).toEqual({ uri: 'http://one.invalid/debian', signedBy: '/k.gpg' });
  });

  it('passes over an inline key and entries without main', () => {
    const dir = etcApt(null, {
      'a.sources': 'Types: deb\nURIs: http://third.invalid/repo\nSuites: trixie\nComponents: contrib',
      'b0.sources': 'Types: deb\nURIs: http://vendor.invalid/apt\nSuites: trixie\nComponents: main',
      'b.sources': 'Types: deb\nURIs: http://inline.invalid/debian\nSuites: trixie\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n -----END PGP PUBLIC KEY BLOCK-----',
    });
    const archive = systemDebianArchive(dir, 'trixie');
    expect(archive?.uri).toBe('http://inline.invalid/debian');
    expect(archive?.signedBy === null || archive?.signedBy.startsWith('/usr/share/keyrings/')).toBe(true);
  });

  it('is null when no entry names a Debian release with main', () => {
    expect(systemDebianArchive(etcApt('deb http://x.invalid/ nodistro main\n', {}), 'bookworm')).toBeNull();
    expect(systemDebianArchive(join(tmpdir(), 'qfc-no-such-apt'), 'bookworm')).toBeNull();
    expect(systemDebianArchive(etcApt('deb http://x.invalid/debian bookworm main\n', {}), null)).toBeNull();
  });

  it('knows this system\'s codename from os-release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qfc-os-'));
    writeFileSync(join(dir, 'os-release'), 'NAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\n');
    expect(systemCodename(join(dir, 'os-release'))).toBe('trixie');
    expect(systemCodename(join(dir, 'missing'))).toBeNull();
  });
});
