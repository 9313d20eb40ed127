import { didYouMean } from '../did-you-mean.js';

/** Which apps of a field are read (sources) and which are written (targets). */
export type Direction = { kind: 'both' } | { kind: 'one-way'; from: string[]; to: string[] };

/**
 * `both`, `crm -> helpdesk` or `crm -> helpdesk, mail` (sources and targets are comma-separated lists).
 * Returns an error message when the text is neither.
 */
export function parseDirection(text: string): Direction | { error: string } {
  const trimmed = text.trim();
  if (trimmed === 'both') return { kind: 'both' };
  const sides = trimmed.split('->');
  if (sides.length !== 2) {
    return { error: `direction must be "both" or "<from> -> <to>", got "${text}"${sides.length === 1 ? didYouMean(trimmed, ['both']) : ''}` };
  }
  const [from, to] = sides.map((side) => side.split(',').map((name) => name.trim()));
  if ([...from, ...to].some((name) => name === '')) return { error: `direction "${text}" names an empty member` };
  return { kind: 'one-way', from, to };
}
