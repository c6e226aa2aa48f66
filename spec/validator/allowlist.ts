/**
 * The Unicode allowlist of the upstream validator: code points accepted in names and
 * link targets unless unsafe characters are allowed (PROTOCOL §3).
 *
 * The ranges are upstream's own table, copied verbatim with its provenance into
 * `unicode-allowlist-ranges.json` beside this file; nothing here is derived by hand.
 */
import allowlist from './unicode-allowlist-ranges.json' with { type: 'json' };

/** Where the table comes from (kept with the data, quoted in reports). */
export const ALLOWLIST_PROVENANCE: { readonly description: string; readonly source: string } = {
  description: allowlist.description,
  source: allowlist.source,
};

const ranges: readonly (readonly [number, number])[] = allowlist.ranges.map(([first, last]) => [first!, last!] as const);

/** Inclusive code point ranges, sorted and disjoint. */
export const ALLOWLIST_RANGES = ranges;

/** True when upstream's table allows `codePoint` in a name. */
export function isAllowedCodePoint(codePoint: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = ranges[middle]!;
    if (codePoint < first) high = middle - 1;
    else if (codePoint > last) low = middle + 1;
    else return true;
  }
  return false;
}
