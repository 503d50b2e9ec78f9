// SHA-256 by the browser's Web Crypto (Node.js has the same as globalThis.crypto.subtle). Browsers offer it only in
// a secure context (HTTPS, or http://localhost): elsewhere the recompute says so and points to the CLI.
import { utf8 } from './py';

export const webCryptoAvailable = () => typeof globalThis.crypto?.subtle?.digest === 'function';

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (!webCryptoAvailable()) {
    throw new Error('this page has no Web Crypto (browsers offer it over HTTPS or on localhost only)');
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** hashlib.sha256(text.encode('utf-8')).hexdigest() */
export const sha256Hex = async (text: string) => hex(await sha256(utf8(text)));
