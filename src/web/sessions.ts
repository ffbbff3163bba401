/**
 * Web sessions: signing in with a tenant's API key gives the browser a random session id in an httpOnly,
 * SameSite=Strict cookie (the key itself is never stored in the browser or here), and a CSRF token the pages
 * send back on every state-changing request (X-CSRF-Token header, or a `_csrf` form field).
 *
 * Why both SameSite=Strict and a token: Strict keeps the cookie off every request another site starts
 * (links included: a link from an email opens the sign-in page, a price worth paying for a tool that
 * spends money); the token also covers browsers or proxies that do not honour SameSite. Origin checks were
 * the alternative; they break behind a proxy that rewrites Host, and some form posts carry no Origin.
 *
 * Sessions live in memory (a restart signs everyone out) and end after `idleMs` without use, `maxMs` after
 * sign-in, or as soon as the key they came from is revoked or expires (checked on every use).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../service/tenants/tenant-registry.js';

export const SESSION_COOKIE = 'hitline_session';

export interface WebSession {
  readonly id: string;
  readonly principal: Principal;
  readonly csrf: string;
  readonly created: number;
  lastSeen: number;
}

export interface WebSessionsOptions {
  /** Whether the key a session was opened with is still good (not revoked, not expired). */
  keyStillValid: (p: Principal) => boolean;
  idleMs?: number;
  maxMs?: number;
  /** Sessions kept at most (the least recently used goes first). */
  maxSessions?: number;
  now?: () => number;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

export class WebSessions {
  private readonly sessions = new Map<string, WebSession>();
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(private readonly o: WebSessionsOptions) {
    this.idleMs = o.idleMs ?? 8 * 3600_000;
    this.maxMs = o.maxMs ?? 7 * 24 * 3600_000;
    this.now = o.now ?? Date.now;
  }

  /** Seconds a fresh session cookie should live (the browser forgets it when the session would end anyway). */
  get cookieMaxAgeSeconds(): number {
    return Math.floor(this.maxMs / 1000);
  }

  create(principal: Principal): WebSession {
    const t = this.now();
    for (const [id, s] of this.sessions) if (!this.alive(s, t)) this.sessions.delete(id);
    while (this.sessions.size >= (this.o.maxSessions ?? 10_000)) this.sessions.delete(this.sessions.keys().next().value as string);
    const session: WebSession = { id: randomBytes(32).toString('base64url'), principal, csrf: randomBytes(32).toString('base64url'), created: t, lastSeen: t };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this cookie value, or undefined (unknown, ended, or its key no longer valid). */
  get(cookieValue: string | undefined): WebSession | undefined {
    if (!cookieValue || !ID.test(cookieValue)) return undefined;
    const s = this.sessions.get(cookieValue);
    if (!s) return undefined;
    const t = this.now();
    if (!this.alive(s, t) || !this.o.keyStillValid(s.principal)) {
      this.sessions.delete(s.id);
      return undefined;
    }
    s.lastSeen = t;
    // Map order is use order: the least recently used session is the first one evicted.
    this.sessions.delete(s.id);
    this.sessions.set(s.id, s);
    return s;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** The token presented with a state-changing request is this session's (compared in constant time). */
  csrfMatches(session: WebSession, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(session.csrf);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private alive(s: WebSession, t: number): boolean {
    return t - s.lastSeen < this.idleMs && t - s.created < this.maxMs;
  }
}

/** The registry's answer to "is this key still good": active or in its grace period; the keyless local tenant while no tenant exists. */
export function keyStillValidIn(registry: { list(): Array<{ id: string; keys: Array<{ id: string; state: string }> }>; tenantIds(): string[] }, localPrincipal: Principal | undefined) {
  return (p: Principal): boolean => {
    if (localPrincipal && p.keyId === localPrincipal.keyId && p.tenantId === localPrincipal.tenantId) return registry.tenantIds().length === 0;
    const key = registry.list().find((t) => t.id === p.tenantId)?.keys.find((k) => k.id === p.keyId);
    return key?.state === 'active' || key?.state === 'expiring';
  };
}
