/**
 * The Debian archive this machine already uses, read from its own apt sources, so that
 * no package host is ever written into the project.
 *
 * Both formats are read: deb822 `.sources` files and one-line `sources.list` entries.
 * The main archive is a `deb` entry with the `main` component whose suite is this system's
 * own release codename (not `-security` or `-updates`); among several, one whose path is
 * `/debian` is preferred over third-party repositories that reuse the codename.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where to fetch packages from and which keyring verifies them. */
export interface AptArchive {
  readonly uri: string;
  /** A keyring file to verify the archive with, or null to use apt's trusted keys. */
  readonly signedBy: string | null;
}

const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

interface Entry {
  readonly types: string[];
  readonly uris: string[];
  readonly suites: string[];
  readonly components: string[];
  readonly signedBy: string | null;
}

function deb822Entries(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | null = null;
    for (const line of paragraph.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last !== null) {
        fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        continue;
      }
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) {
        last = match[1]!.toLowerCase();
        fields.set(last, match[2]!.trim());
      }
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    const signedBy = fields.get('signed-by') ?? '';
    entries.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      // an inline key spans several lines; only a keyring path can be passed on
      signedBy: signedBy.startsWith('/') && !signedBy.includes('\n') ? signedBy : null,
    });
  }
  return entries;
}

function oneLineEntries(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const signedBy = /signed-by=(\S+)/.exec(match[2] ?? '')?.[1] ?? null;
    entries.push({ types: [match[1]!], uris: [match[3]!], suites: [match[4]!], components: match[5]!.split(/\s+/).filter(Boolean), signedBy });
  }
  return entries;
}

/** Every apt source entry configured under `etcApt` (default `/etc/apt`). */
function entries(etcApt: string): Entry[] {
  const found: Entry[] = [];
  const list = join(etcApt, 'sources.list');
  if (existsSync(list)) found.push(...oneLineEntries(readFileSync(list, 'utf8')));
  const parts = join(etcApt, 'sources.list.d');
  if (existsSync(parts)) {
    for (const name of readdirSync(parts).sort()) {
      const text = readFileSync(join(parts, name), 'utf8');
      if (name.endsWith('.sources')) found.push(...deb822Entries(text));
      else if (name.endsWith('.list')) found.push(...oneLineEntries(text));
    }
  }
  return found;
}

/** This system's release codename (`VERSION_CODENAME` of os-release), or null. */
export function systemCodename(osRelease = '/etc/os-release'): string | null {
  if (!existsSync(osRelease)) return null;
  return /^VERSION_CODENAME="?([a-z]+)"?$/m.exec(readFileSync(osRelease, 'utf8'))?.[1] ?? null;
}

/** The main Debian archive of this machine, or null when its sources name none. */
export function systemDebianArchive(etcApt = '/etc/apt', codename = systemCodename()): AptArchive | null {
  if (codename === null) return null;
  const candidates = entries(etcApt).filter(
    (entry) => entry.types.includes('deb') && entry.suites.includes(codename) && entry.components.includes('main') && entry.uris.length > 0,
  );
  const chosen = candidates.find((entry) => /\/debian\/?$/.test(entry.uris[0]!)) ?? candidates[0];
  if (chosen === undefined) return null;
  const signedBy = chosen.signedBy ?? (existsSync(DEFAULT_KEYRING) ? DEFAULT_KEYRING : null);
  return { uri: chosen.uris[0]!, signedBy };
}
