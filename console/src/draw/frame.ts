// Port of services/audit/domain/sampling/frame.py: the frozen sampling frame and its digest, SHA-256 over one line
// per project in project-id order (code points): id TAB code TAB unit TAB kind TAB amount-in-fen LF.
import { sha256Hex } from './hash';
import { compareText, DrawError, isMap, type J } from './py';

export const FIELDS = ['project_id', 'code', 'unit', 'kind', 'amount'] as const;

export interface FrameItem {
  project_id: string;
  code: string;
  unit: string;
  kind: string;
  amount: bigint; // fen: the size measure of monetary-unit sampling
}

export function itemFromJson(value: J, position: number): FrameItem {
  const keys = isMap(value) ? [...value.keys()] : [];
  if (!isMap(value) || keys.length !== FIELDS.length || !FIELDS.every((f) => value.has(f))) {
    throw new DrawError(`frame item ${position} must have exactly the fields ${FIELDS.join(', ')}`, 'frame');
  }
  const amount = value.get('amount');
  if (typeof amount !== 'bigint' || amount < 0n) {
    throw new DrawError(`frame item ${position}: the amount is a whole, non-negative number of fen`, 'frame');
  }
  const texts = FIELDS.slice(0, 4).map((name) => value.get(name));
  if (!texts.every((text) => typeof text === 'string')) {
    throw new DrawError(`frame item ${position}: id, code, unit and kind are text`, 'frame');
  }
  const [project_id, code, unit, kind] = texts as string[];
  return { project_id, code, unit, kind, amount };
}

/** The frame in its one canonical order: by project id, in code-point order; every id present and unique. */
export function canonicalFrame(items: readonly FrameItem[]): FrameItem[] {
  const ordered = [...items].sort((a, b) => compareText(a.project_id, b.project_id)); // stable, as Python's sorted
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i - 1].project_id === ordered[i].project_id) {
      throw new DrawError(`project ${ordered[i].project_id} appears twice in the frame`, 'frame');
    }
  }
  if (ordered.length && !ordered[0].project_id) throw new DrawError('a frame item has no project id', 'frame');
  return ordered;
}

const count = (text: string, c: string) => text.split(c).length - 1;

export function frameText(frame: readonly FrameItem[]): string {
  const ordered = canonicalFrame(frame);
  const text = ordered.map((i) => `${i.project_id}\t${i.code}\t${i.unit}\t${i.kind}\t${i.amount}\n`).join('');
  if (count(text, '\t') !== 4 * ordered.length || count(text, '\n') !== ordered.length || text.includes('\r')) {
    throw new DrawError('frame fields may not hold tabs or line breaks', 'frame');
  }
  return text;
}

export const frameDigest = (frame: readonly FrameItem[]) => sha256Hex(frameText(frame));

export const frameAmount = (frame: readonly FrameItem[]) => frame.reduce((sum, i) => sum + i.amount, 0n);
