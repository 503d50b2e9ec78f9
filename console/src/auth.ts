// Who is signed in: the token lives in session storage (gone when the tab closes), never in a URL.
export interface Session {
  token: string;
  department: string;
  unit: string | null;
  label: string;
}

const KEY = 'egov.session';

export function readSession(): Session | null {
  try {
    const text = sessionStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** The claims of a pasted token, read without verifying (the gateway verifies every request). */
export function tokenClaims(token: string): { dept?: string; unit?: string | null; exp?: number } {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json)));
}

const base = (import.meta.env.VITE_GATEWAY_URL as string | undefined) ?? '';

export function endpoint(): string {
  return `${base || window.location.origin}/graphql`;
}

export function websocketEndpoint(): string {
  return endpoint().replace(/^http/, 'ws');
}

export function gatewayUrl(path: string): string {
  return `${base}${path}`;
}

export interface DevIdentity {
  department: string;
  unit: string | null;
  parentUnits: string[];
  label: string;
}

/** The embedded default's development sign-in: the identities offered, or null where it is off. */
export async function developmentIdentities(): Promise<DevIdentity[] | null> {
  try {
    const response = await fetch(gatewayUrl('/dev/sign-in'));
    if (!response.ok) return null;
    const body = await response.json();
    return body.available ? body.identities : null;
  } catch {
    return null;
  }
}

export async function developmentSignIn(identity: DevIdentity): Promise<string> {
  const response = await fetch(gatewayUrl('/dev/sign-in'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(identity),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body.token;
}
