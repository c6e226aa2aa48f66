/**
 * Seed inputs for the spec fuzz target: one stream per kind of entry and per way to end,
 * so the fuzzer starts from inputs that already reach deep into the model.
 */
import { buildStream, dir, endMarker, file, link, rawBytes, special, S_IFIFO, type StreamPart } from '../../../spec/index.js';

const SEED_STREAMS: Record<string, readonly StreamPart[]> = {
  'valid-tree': [dir('d'), file('d/f', 'hello', { mode: 0o600, mtimeNsec: 5 }), dir('d/e'), link('d/e/l', '../f'), dir('d', { mode: 0o555 }), endMarker()],
  'escape-attempts': [dir('d'), link('d/l', '../../x'), file('../x', 'x'), endMarker()],
  'collisions': [file('a', '1'), file('a', '2'), dir('a'), endMarker()],
  'special-type': [special(S_IFIFO, 'p'), endMarker()],
  'bad-nsec': [file('a', 'x', { atimeNsec: 1_000_000_000 }), endMarker()],
  'huge-filelen': [file('a', '', { header: { filelen: 2n ** 63n } }), endMarker()],
  'truncated-content': [file('a', 'x', { header: { filelen: 10n } })],
  'trailing-bytes': [endMarker(), rawBytes('garbage')],
  'unicode-names': [dir('β'), file('β/中.txt', 'x'), endMarker()],
};

/** Seeds as fuzz inputs: an option byte and a split byte, then the stream. */
export function specSeeds(): Map<string, Uint8Array> {
  const seeds = new Map<string, Uint8Array>();
  for (const [name, parts] of Object.entries(SEED_STREAMS)) {
    const stream = buildStream(parts);
    for (const options of [0, 1]) seeds.set(`${name}-${options}`, Uint8Array.from([options, 40, ...stream]));
  }
  return seeds;
}
