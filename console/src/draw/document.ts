// Port of services/audit/domain/sampling/document.py: the published draw document verified from itself alone, as
// `egov audit-draw verify --inputs FILE` does it: the same checks, in the same order, with the same wording.
import { type Commitment, commitmentDigest, commitmentFromJson, revealedSeed } from './commitment';
import { canonicalFrame, frameAmount, frameDigest, type FrameItem, itemFromJson } from './frame';
import { draw, type DrawResult, parseProportion } from './methods';
import { compareText, DrawError, isMap, type J, parseJson, repr, sortedTexts, str, truthy, Unreadable } from './py';

export interface Check { name: string; passed: boolean; detail: string }

export interface Verification {
  commitment: Commitment;
  checks: Check[];
  result: DrawResult | null; // null before the reveal, or when the seed does not match
  frame: FrameItem[];
  published: string[] | null; // the published selection, sorted
  ok: boolean;
}

function frameOf(document: Map<string, J>): FrameItem[] {
  const items = document.get('frame');
  if (!Array.isArray(items)) throw new DrawError('the document has no frame (a list of projects)', 'frame');
  return canonicalFrame(items.map((value, i) => itemFromJson(value, i + 1)));
}

/** sorted(value or []) on the published selection's ids. */
function sortedIds(value: J | undefined): string[] {
  if (!truthy(value)) return [];
  if (typeof value === 'string') return sortedTexts(Array.from(value));
  if (isMap(value)) return sortedTexts(value.keys());
  if (Array.isArray(value) && value.every((id) => typeof id === 'string')) return sortedTexts(value as string[]);
  throw new Unreadable(`the published selection's project ids are not texts: ${repr(value)}`);
}

const listRepr = (ids: string[]) => repr(ids.slice(0, 5));

/** Recompute everything a reader can from the published inputs alone. A document too malformed to read throws (a
 *  DrawError, or Unreadable); one that reads but does not add up comes back with failed checks. */
export async function verifyDocument(document: J): Promise<Verification> {
  if (!isMap(document) || !document.has('commitment')) throw new DrawError('not a draw document: it has no commitment', 'commitment');
  const commitment = commitmentFromJson(document.get('commitment'));
  const checks: Check[] = [];
  const report: Verification = { commitment, checks, result: null, frame: [], published: null, ok: false };
  const check = (name: string, passed: boolean, detail: string) => { checks.push({ name, passed, detail }); return passed; };
  const done = () => { report.ok = checks.every((c) => c.passed); return report; };

  const published = document.get('commitment_digest');
  const digest = await commitmentDigest(commitment);
  check('commitment digest', published === digest, `recomputed ${digest}${published === digest ? '' : `, published ${str(published)}`}`);
  const frame = report.frame = frameOf(document);
  const [recomputed, amount] = [await frameDigest(frame), frameAmount(frame)];
  check('frame digest', recomputed === commitment.frame_digest, `recomputed ${recomputed}, committed ${commitment.frame_digest}`);
  check('frame count and amount', BigInt(frame.length) === commitment.frame_count && amount === commitment.frame_amount,
    `${frame.length} projects, ${amount} fen; committed ${commitment.frame_count} projects, ${commitment.frame_amount} fen`);

  const reveal = document.get('reveal');
  if (!truthy(reveal)) return done(); // published before the draw: nothing more to recompute yet
  if (!isMap(reveal)) throw new Unreadable(`the reveal is not an object: ${repr(reveal)}`);
  let seed: string;
  try {
    seed = await revealedSeed(commitment, reveal.get('seed') ?? null, reveal.get('randomness_source'));
  } catch (refused) {
    if (!(refused instanceof DrawError)) throw refused;
    check('seed matches commitment', false, refused.message);
    return done();
  }
  check('seed matches commitment', true,
    `${commitment.kind}: ${commitment.seed_sha256 || `the value of ${commitment.randomness_source}`}`);
  const [proportion] = parseProportion(commitment.proportion);
  const result = report.result = await draw(frame, proportion, commitment.method, commitment.stratify_by, seed);
  const selection = document.get('selection');
  if (truthy(selection)) {
    if (!isMap(selection)) throw new Unreadable(`the selection is not an object: ${repr(selection)}`);
    const ids = report.published = sortedIds(selection.get('project_ids'));
    const drawn = result.selectedIds;
    const same = ids.length === drawn.length && ids.every((id, i) => id === drawn[i]);
    const missing = drawn.filter((id) => !ids.includes(id)).sort(compareText);
    const extra = [...new Set(ids.filter((id) => !drawn.includes(id)))].sort(compareText);
    check('published selection', same, `${drawn.length} projects recomputed${same ? ''
      : `; missing from the published selection: ${listRepr(missing)}, published but not drawn: ${listRepr(extra)}`}`);
    check('selection digest', selection.get('digest') === result.selectionDigest, `recomputed ${result.selectionDigest}`);
  }
  return done();
}

export type Outcome =
  | { kind: 'verified'; verification: Verification }
  | { kind: 'refused'; message: string; field: string | null } // a DrawError: the CLI reports it as unreadable
  | { kind: 'unreadable'; message: string };

/** The published document's text, read as json.loads reads it, then verified. */
export async function verifyText(text: string): Promise<Outcome> {
  try {
    return { kind: 'verified', verification: await verifyDocument(parseJson(text)) };
  } catch (error) {
    if (error instanceof DrawError) return { kind: 'refused', message: error.message, field: error.field };
    return { kind: 'unreadable', message: error instanceof Error ? error.message : String(error) };
  }
}
