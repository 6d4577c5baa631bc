/**
 * The browser-mode server's gatekeeping: a random per-start token (256 bits) compared in constant time, a
 * Host check against DNS rebinding (only 127.0.0.1:<port> and localhost:<port> are this server), and an Origin
 * check for the WebSocket (a page from anywhere else may not talk to the API even if it guessed the port).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hashing first makes the lengths equal, so the length leaks nothing either). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * A browser always sends Origin with a WebSocket handshake; it must be this server. Clients that are not browsers
 * (the CLI, tests) send none and are let through on their token alone.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedHosts(port).some((host) => origin.toLowerCase() === `http://${host}`);
}

/** The cookie that lets the page's own assets load after the token left the address bar. */
export function tokenCookieName(port: number): string {
  return `longhand_token_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
