// Port of services/audit/domain/sampling/methods.py: sample sizes, strata, simple random sampling and monetary-unit
// (PPS) sampling, each driven only by the frame and the seed; every amount and proportion exact (BigInt).
import { sha256Hex } from './hash';
import { canonicalFrame, type FrameItem } from './frame';
import { sampleIndices, Sha256Counter } from './prng';
import { compareText, DrawError, type J, repr, sortedTexts, str, strip } from './py';

export type Method = 'SRS' | 'PPS';
export type Stratification = 'NONE' | 'UNIT' | 'KIND';
export interface Fraction { numerator: bigint; denominator: bigint }

// Decimal(text) after str(text).strip(): Python's decimal syntax, underscores dropped (Decimal ignores them).
const DECIMAL = /^([+-])?(?:(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?|(inf(?:inity)?)|(s?nan\d*))$/i;

/** The bureau's proportion as an exact fraction in (0, 1], and its canonical decimal text. */
export function parseProportion(text: J | undefined): [Fraction, string] {
  const match = DECIMAL.exec(strip(strip(str(text)).replaceAll('_', '')));
  const [, sign, whole = '', fraction = '', exponent = '0', infinite, nan] = match ?? [];
  if (!match || (!infinite && !nan && !/\d/.test(whole + fraction))) {
    throw new DrawError(`${repr(text)} is not a decimal proportion such as 0.15`, 'proportion');
  }
  let digits = BigInt(`${whole}${fraction}` || '0');
  let scale = BigInt(fraction.length) - BigInt(exponent); // the value is digits / 10**scale
  // Above 0 and at most 1: a negative scale makes a positive value at least 10, so only scale >= 0 can pass.
  if (infinite || nan || sign === '-' || digits === 0n || scale < 0n || digits > 10n ** scale) {
    throw new DrawError(`the proportion must be above 0 and at most 1; ${str(text)} is not`, 'proportion');
  }
  while (scale > 0n && digits % 10n === 0n) { digits /= 10n; scale -= 1n; } // Decimal.normalize()
  const padded = digits.toString().padStart(Number(scale) + 1, '0');
  const canonical = scale === 0n ? padded : `${padded.slice(0, -Number(scale))}.${padded.slice(-Number(scale))}`;
  return [{ numerator: digits, denominator: 10n ** scale }, canonical];
}

/** ceil(p * N), exactly: a stratum with projects always yields at least one. */
export const sampleSize = (p: Fraction, population: number) =>
  Number((p.numerator * BigInt(population) + p.denominator - 1n) / p.denominator);

/** The strata in key order (code points), each as the positions of its projects in the frame, in frame order. */
export function stratify(frame: readonly FrameItem[], by: Stratification): [string, number[]][] {
  if (by === 'NONE') return [['', frame.map((_, i) => i)]];
  const strata = new Map<string, number[]>();
  frame.forEach((item, position) => {
    const key = by === 'UNIT' ? item.unit : item.kind;
    strata.set(key, [...(strata.get(key) ?? []), position]);
  });
  return sortedTexts(strata.keys()).map((key) => [key, strata.get(key)!]);
}

export const stratumSeed = (seed: string, key: string, by: Stratification) => (by === 'NONE' ? seed : `${seed},${key}`);

/** The first index whose cumulative amount exceeds x (bisect.bisect_right). */
function bisectRight(cumulative: bigint[], x: bigint): number {
  let low = 0, high = cumulative.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (x < cumulative[middle]) high = middle; else low = middle + 1;
  }
  return low;
}

/** Monetary-unit sampling: (positions selected, of which selected with certainty by their size), both sorted. */
export async function monetaryUnitPositions(amountsIn: readonly bigint[], n: number, seed: string): Promise<[number[], number[]]> {
  const amounts = [...amountsIn]; // a project taken into the top stratum drops to 0
  let remaining = BigInt(n), total = amounts.reduce((s, a) => s + a, 0n);
  let withAmount = BigInt(amounts.filter((a) => a !== 0n).length);
  const top: number[] = [];
  while (remaining > 0n && total > 0n) {
    let big: number[];
    if (remaining >= withAmount) {
      big = amounts.flatMap((a, i) => (a > 0n ? [i] : []));
    } else {
      const interval = (total + remaining - 1n) / remaining; // amount * remaining >= total <=> amount >= ceil(T / r)
      if (amounts.reduce((m, a) => (a > m ? a : m)) < interval) break;
      big = amounts.flatMap((a, i) => (a >= interval ? [i] : []));
    }
    for (const i of big) { total -= amounts[i]; amounts[i] = 0n; }
    top.push(...big);
    remaining -= BigInt(big.length);
    withAmount -= BigInt(big.length);
  }
  const chosen = new Set(top);
  if (remaining > 0n && total > 0n) {
    let running = 0n;
    const cumulative = amounts.map((a) => (running += a));
    const start = await new Sha256Counter(seed).below(total);
    for (let j = 0n; j < remaining; j++) chosen.add(bisectRight(cumulative, (start + j * total) / remaining));
  }
  const ascending = (a: number, b: number) => a - b;
  return [[...chosen].sort(ascending), [...top].sort(ascending)];
}

export interface StratumDraw {
  key: string;
  items: number;
  amount: bigint;
  sampleSize: number;
  selected: FrameItem[];
  certainBySize: string[]; // MUS's top stratum: project ids at or above the interval
}

export interface DrawResult {
  strata: StratumDraw[];
  selected: FrameItem[]; // in project-id order
  selectedIds: string[];
  selectionDigest: string;
}

/** SHA-256 (hex) of the selected project ids, one per line, in id order. */
export const selectionDigest = (ids: readonly string[]) => sha256Hex(sortedTexts(ids).map((i) => `${i}\n`).join(''));

/** The deterministic draw: the same frame, proportion, method, strata and seed give the same result. */
export async function draw(frameIn: readonly FrameItem[], proportion: Fraction, method: Method, stratifyBy: Stratification,
                           seed: string): Promise<DrawResult> {
  const frame = canonicalFrame(frameIn);
  if (!frame.length) throw new DrawError('the sampling frame is empty: there is nothing to draw from', 'frame');
  if (!seed) throw new DrawError('the seed is empty', 'seed');
  const strata: StratumDraw[] = [];
  for (const [key, positions] of stratify(frame, stratifyBy)) {
    const n = sampleSize(proportion, positions.length);
    const streamSeed = stratumSeed(seed, key, stratifyBy);
    const amounts = positions.map((p) => frame[p].amount);
    const [chosen, top] = method === 'SRS'
      ? [(await sampleIndices(streamSeed, n, positions.length)).sort((a, b) => a - b), []]
      : await monetaryUnitPositions(amounts, n, streamSeed);
    strata.push({ key, items: positions.length, amount: amounts.reduce((s, a) => s + a, 0n), sampleSize: n,
                  selected: chosen.map((i) => frame[positions[i]]), certainBySize: top.map((i) => frame[positions[i]].project_id) });
  }
  const selected = strata.flatMap((s) => s.selected).sort((a, b) => compareText(a.project_id, b.project_id));
  const selectedIds = selected.map((i) => i.project_id);
  return { strata, selected, selectedIds, selectionDigest: await selectionDigest(selectedIds) };
}
