// Port of services/audit/domain/sampling/commitment.py: the commitment read from its published JSON (normalised as
// the Python normalises it), its digest (SHA-256 of its canonical JSON), and the check of the revealed seed.
import { sha256Hex } from './hash';
import { type Method, parseProportion, type Stratification } from './methods';
import { canonicalJson, codePoints, DrawError, int, isMap, type J, type JMap, PyError, repr, splitWords, str, strip,
         truthy, Unreadable } from './py';

export const FORMAT = 'yiyang-audit-draw/1';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const RANDOMNESS_HEX = /^(?:[0-9a-f]{64}|[0-9a-f]{128})$/; // drand: 32 bytes; NIST beacon 2.0: 64 bytes

export type CommitmentKind = 'SECRET_HASH' | 'PUBLIC_RANDOMNESS';

export interface Commitment {
  draw_id: string;
  jurisdiction: string;
  year: bigint;
  proportion: string;
  method: Method;
  stratify_by: Stratification;
  frame_digest: string;
  frame_count: bigint;
  frame_amount: bigint;
  kind: CommitmentKind;
  seed_sha256: string | null;
  randomness_source: string | null;
  certainty_threshold: bigint;
  committed_at: string;
}

/** `value or ""` on what should be text: anything else is an AttributeError in the Python, which the CLI does not
 *  catch either. */
const text = (value: J | undefined): string | null => {
  if (!truthy(value)) return null;
  if (typeof value !== 'string') throw new Unreadable(`a text was expected, not ${repr(value)}`);
  return value;
};

const typeName = (value: J | undefined) => value === null || value === undefined ? 'NoneType'
  : typeof value === 'bigint' ? 'int' : typeof value === 'number' ? 'float' : typeof value === 'boolean' ? 'bool'
    : typeof value === 'string' ? 'str' : Array.isArray(value) ? 'list' : 'dict';

/** Exactly one of a seed hash or a named public randomness source; normalised. */
export function commitmentTerms(seedSha256In: J | undefined, sourceIn: J | undefined): [CommitmentKind, string | null, string | null] {
  const seedSha256 = strip(text(seedSha256In) ?? '').toLowerCase() || null;
  const source = splitWords(text(sourceIn) ?? '').join(' ') || null;
  if ((seedSha256 === null) === (source === null)) {
    throw new DrawError("commit to exactly one of: the SHA-256 of a secret seed, or a public randomness source still to come "
      + "(e.g. 'drand quicknet round 12345678')", 'seedCommitment');
  }
  if (seedSha256 !== null) {
    if (!SHA256_HEX.test(seedSha256)) throw new DrawError('the seed commitment is a SHA-256 digest: 64 hexadecimal characters', 'seedCommitment');
    return ['SECRET_HASH', seedSha256, null];
  }
  if (codePoints(source!) > 200) throw new DrawError('name the randomness source in at most 200 characters', 'randomnessSource');
  return ['PUBLIC_RANDOMNESS', null, source];
}

export function commitmentJson(c: Commitment): JMap {
  const seed: JMap = c.kind === 'SECRET_HASH'
    ? new Map<string, J>([['kind', c.kind], ['sha256', c.seed_sha256]])
    : new Map<string, J>([['kind', c.kind], ['source', c.randomness_source]]);
  return new Map<string, J>([
    ['format', FORMAT], ['draw_id', c.draw_id], ['jurisdiction', c.jurisdiction], ['year', c.year],
    ['proportion', c.proportion], ['method', c.method], ['stratify_by', c.stratify_by], ['frame_digest', c.frame_digest],
    ['frame_count', c.frame_count], ['frame_amount', c.frame_amount], ['seed_commitment', seed],
    ['certainty_threshold', c.certainty_threshold], ['committed_at', c.committed_at]]);
}

export const commitmentDigest = (c: Commitment) => sha256Hex(canonicalJson(commitmentJson(c)));

function member<T extends string>(value: J | undefined, allowed: readonly T[], name: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new PyError(`${repr(value)} is not a valid ${name}`);
}

/** Commitment.from_json: a DrawError names what is missing or malformed, as the Python's message does. */
export function commitmentFromJson(value: J | undefined): Commitment {
  try {
    if (!isMap(value)) {
      throw new PyError(Array.isArray(value) ? 'list indices must be integers or slices, not str'
        : typeof value === 'string' ? "string indices must be integers, not 'str'" : `'${typeName(value)}' object is not subscriptable`);
    }
    const get = (key: string): J => {
      if (!value.has(key)) throw new PyError(repr(key)); // str(KeyError('x')) is "'x'"
      return value.get(key)!;
    };
    if (get('format') !== FORMAT) {
      throw new DrawError(`unknown draw format ${repr(get('format'))}; this verifier reads ${FORMAT}`, 'format');
    }
    const seed = get('seed_commitment');
    if (!isMap(seed)) throw new Unreadable(`'${typeName(seed)}' object has no attribute 'get'`);
    const [kind, seedSha256, source] = commitmentTerms(seed.get('sha256'), seed.get('source'));
    if (!seed.has('kind')) throw new PyError(repr('kind'));
    if (kind !== seed.get('kind')) throw new DrawError("the seed commitment's kind does not match its content", 'seedCommitment');
    const [, proportion] = parseProportion(get('proportion'));
    return {
      draw_id: str(get('draw_id')), jurisdiction: str(get('jurisdiction')), year: int(get('year')), proportion,
      method: member(get('method'), ['SRS', 'PPS'] as const, 'Method'),
      stratify_by: member(get('stratify_by'), ['NONE', 'UNIT', 'KIND'] as const, 'Stratification'),
      frame_digest: str(get('frame_digest')), frame_count: int(get('frame_count')), frame_amount: int(get('frame_amount')),
      kind, seed_sha256: seedSha256, randomness_source: source, certainty_threshold: int(get('certainty_threshold')),
      committed_at: str(get('committed_at')),
    };
  } catch (error) {
    if (error instanceof PyError) throw new DrawError(`the commitment is incomplete or malformed: ${error.message}`, 'commitment');
    throw error;
  }
}

/** The seed to draw with, if it matches the commitment; else a DrawError (R-AUD-2) and no draw. */
export async function revealedSeed(c: Commitment, given: J, randomnessSource: J | undefined): Promise<string> {
  if (!truthy(given)) throw new DrawError('reveal the seed: it is empty', 'seed');
  const seedText = () => { // what the Python cannot encode or strip: an AttributeError, which the CLI does not catch
    if (typeof given !== 'string') throw new Unreadable(`the revealed seed is not a text: ${repr(given)}`);
    return given;
  };
  if (c.kind === 'SECRET_HASH') {
    const seed = seedText();
    if ((await sha256Hex(seed)) !== c.seed_sha256) {
      throw new DrawError('the seed does not match the commitment: its SHA-256 differs from the one published before the draw', 'seed');
    }
    return seed;
  }
  const named = splitWords(text(randomnessSource) ?? '').join(' ');
  if (named !== c.randomness_source) {
    throw new DrawError(`the draw committed to the public randomness of '${c.randomness_source}'; name that same source with its value`,
      'randomnessSource');
  }
  const value = strip(seedText()).toLowerCase();
  if (!RANDOMNESS_HEX.test(value)) {
    throw new DrawError('a public randomness value is the beacon\'s hexadecimal output (64 characters for drand, 128 for the '
      + 'NIST beacon), entered as published', 'seed');
  }
  return value;
}
