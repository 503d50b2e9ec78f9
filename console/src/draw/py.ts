// What the draw's Python reference (services/audit/domain/sampling/) takes from Python itself, reproduced so that the
// browser reads a document as `json.loads` does and writes text as `json.dumps`, `str`, `repr` and `int` do: integers
// of any size (BigInt, never a float), objects as Maps in document order, code-point order for strings (JavaScript's
// `<` compares UTF-16 units, which puts U+1F600 before U+FF01), and Python's notion of whitespace.

export type J = null | boolean | bigint | number | string | J[] | JMap;
export type JMap = Map<string, J>;

/** A document Python's own code would not read either (json's errors, a lone surrogate in UTF-8, a wrong type):
 *  the CLI reports it as unreadable, exit 2. */
export class Unreadable extends Error {}

/** Raised where the Python raises DrawError: `field` names what was refused. */
export class DrawError extends Error {
  constructor(message: string, readonly field: string | null = null, readonly rule = 'R-AUD-2') {
    super(message);
  }
}

export const isMap = (value: J | undefined): value is JMap => value instanceof Map;

// str.isspace(): Unicode White_Space plus the four information separators \x1c-\x1f (JavaScript's \s differs).
const SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGES = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
const RUNS = new RegExp(`[${SPACE}]+`);
export const strip = (text: string) => text.replace(EDGES, '');
export const splitWords = (text: string) => strip(text).split(RUNS).filter((word) => word !== '');
export const codePoints = (text: string) => Array.from(text).length;

/** Python's `<` on str: by code point. */
export function compareText(a: string, b: string): number {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export const sortedTexts = (texts: Iterable<string>) => [...texts].sort(compareText);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** str.encode('utf-8'): a lone surrogate cannot be encoded (Python raises; TextEncoder would substitute U+FFFD). */
export function utf8(text: string): Uint8Array {
  if (LONE_SURROGATE.test(text)) throw new Unreadable("'utf-8' codec can't encode a lone surrogate");
  return new TextEncoder().encode(text);
}

// ---------------------------------------------------------------------------------------------------- json.loads
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/** json.loads: integers as BigInt, numbers with a fraction or exponent as floats, NaN/Infinity accepted, the last of
 *  duplicate keys kept (in the place of the first), control characters refused inside strings. */
export function parseJson(text: string): J {
  let at = 0;
  const fail = (what: string): never => { throw new Unreadable(`${what} at character ${at}`); };
  const space = () => { while (at < text.length && ' \t\n\r'.includes(text[at])) at++; };
  const literal = (word: string, value: J): J => {
    if (text.startsWith(word, at)) { at += word.length; return value; }
    return fail('Expecting value');
  };
  const string = (): string => {
    at++; // the opening quote
    let out = '';
    for (;;) {
      if (at >= text.length) fail('Unterminated string');
      const c = text[at++];
      if (c === '"') return out;
      if (c < ' ') fail('Invalid control character');
      if (c !== '\\') { out += c; continue; }
      const e = text[at++];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) { out += String.fromCharCode(parseInt(text.slice(at, at + 4), 16)); at += 4; }
      else fail('Invalid \\escape');
    }
  };
  const value = (): J => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const map: JMap = new Map();
      space();
      if (text[at] === '}') { at++; return map; }
      for (;;) {
        space();
        if (text[at] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = string();
        space();
        if (text[at++] !== ':') fail("Expecting ':' delimiter");
        map.set(key, value());
        space();
        const next = text[at++];
        if (next === '}') return map;
        if (next !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      at++;
      const list: J[] = [];
      space();
      if (text[at] === ']') { at++; return list; }
      for (;;) {
        list.push(value());
        space();
        const next = text[at++];
        if (next === ']') return list;
        if (next !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    if (c === 'n') return literal('null', null);
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'N') return literal('NaN', NaN);
    if (c === 'I') return literal('Infinity', Infinity);
    if (text.startsWith('-Infinity', at)) return literal('-Infinity', -Infinity);
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) return fail('Expecting value');
    at += match[0].length;
    return match[1] !== undefined || match[2] !== undefined ? Number(match[0]) : BigInt(match[0]);
  };
  const result = value();
  space();
  if (at !== text.length) fail('Extra data');
  return result;
}

// ------------------------------------------------------------------------------------------ json.dumps, str, repr
function jsonString(text: string): string {
  const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/["\\\x00-\x1f]/g, (c) => escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")), for the values a commitment holds. */
export function canonicalJson(value: J): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return floatRepr(value);
  if (typeof value === 'string') return jsonString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = sortedTexts(value.keys());
  return `{${keys.map((k) => `${jsonString(k)}:${canonicalJson(value.get(k)!)}`).join(',')}}`;
}

/** repr(float): the shortest digits that read back, fixed notation for exponents -4 to 15, else 1e+16 style. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.padEnd(e + 1, '0');
  const fraction = digits.slice(e + 1) || '0';
  return `${sign}${whole.slice(0, e + 1)}.${fraction}`;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}\x20]/u; // str.isprintable(): not Other or Separator, bar the space

function textRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (PRINTABLE.test(c)) out += c;
    else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${quote}${out}${quote}`;
}

export function repr(value: J | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return floatRepr(value);
  if (typeof value === 'string') return textRepr(value);
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  return `{${[...value].map(([k, v]) => `${textRepr(k)}: ${repr(v)}`).join(', ')}}`;
}

export const str = (value: J | undefined) => (typeof value === 'string' ? value : repr(value));

export const truthy = (value: J | undefined) => !(value === null || value === undefined || value === false || value === 0n
  || value === 0 || value === '' || (Array.isArray(value) && value.length === 0) || (isMap(value) && value.size === 0));

const TYPE_NAMES = (value: J | undefined) => value === null || value === undefined ? 'NoneType' : Array.isArray(value)
  ? 'list' : isMap(value) ? 'dict' : typeof value === 'string' ? 'str' : 'float';

/** The ValueError or TypeError Python's int() raises, as the message `str(error)` gives. */
export class PyError extends Error {}

/** int(value) on what json.loads gives. */
export function int(value: J | undefined): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new PyError('cannot convert float NaN to integer');
    if (!Number.isFinite(value)) throw new Unreadable('cannot convert float infinity to integer'); // OverflowError
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'string') {
    const text = strip(value);
    if (/^[+-]?\d+(?:_\d+)*$/.test(text)) return BigInt(text.replaceAll('_', ''));
    throw new PyError(`invalid literal for int() with base 10: ${repr(value)}`);
  }
  throw new PyError(`int() argument must be a string, a bytes-like object or a real number, not '${TYPE_NAMES(value)}'`);
}
