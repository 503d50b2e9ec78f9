// Port of services/audit/domain/sampling/prng.py: the i-th value (i = 1, 2, ...) is SHA-256 of the UTF-8 text
// `seed + "," + i`, read as a 256-bit big-endian integer (Rivest's sampler.py); a number below n rejects the values
// at or above 2**256 - 2**256 % n and takes the next counter, so every number below n is equally likely.
import { hex, sha256 } from './hash';
import { utf8 } from './py';

export const HASH_SPACE = 1n << 256n;

export class Sha256Counter {
  counter = 0;

  constructor(readonly seed: string) {
    utf8(seed); // a seed Python could not encode is refused before the first value
  }

  async nextValue(): Promise<bigint> {
    this.counter += 1;
    return BigInt(`0x${hex(await sha256(utf8(`${this.seed},${this.counter}`)))}`);
  }

  /** A uniform integer in [0, n): biased values are rejected, never folded back. */
  async below(n: bigint): Promise<bigint> {
    if (n <= 0n) throw new Error('the range to draw from must hold at least one number');
    const limit = HASH_SPACE - (HASH_SPACE % n);
    for (;;) {
      const value = await this.nextValue();
      if (value < limit) return value % n;
    }
  }
}

/** n distinct 0-based positions out of `population`, in the order drawn; asking for all returns them all. */
export async function sampleIndices(seed: string, n: number, population: number): Promise<number[]> {
  if (!(n >= 0 && n <= population)) throw new Error(`cannot draw ${n} distinct positions out of ${population}`);
  if (n === population) return Array.from({ length: population }, (_, i) => i);
  const stream = new Sha256Counter(seed);
  const seen = new Set<number>();
  const drawn: number[] = [];
  while (drawn.length < n) {
    const pick = Number(await stream.below(BigInt(population)));
    if (!seen.has(pick)) {
      seen.add(pick);
      drawn.push(pick);
    }
  }
  return drawn;
}
