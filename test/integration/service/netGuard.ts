/**
 * Records every network destination a process (or worker thread) tries to reach: `net.Socket#connect`,
 * `dns.lookup`, `http(s).request`. Loopback addresses and local sockets are allowed; anything else is appended to
 * the log file and refused, so a test can assert that a whole service session stayed on this machine.
 */
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host.replace(/^\[|\]$/g, ''));

let installed = false;

/** Patches this thread's networking; returns the list it records into (also appended to `logFile`). */
export function installNetGuard(logFile?: string): string[] {
  const seen: string[] = [];
  if (installed) return seen;
  installed = true;
  const record = (what: string, host: string | undefined) => {
    const entry = `${what} ${host ?? '(default)'}`;
    seen.push(entry);
    if (host !== undefined && isLoopback(host)) return true;
    if (logFile) fs.appendFileSync(logFile, `${entry}\n`);
    return false;
  };

  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its arguments already normalised: [[options, callback]].
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let host: string | undefined;
    if (typeof first === 'object' && first !== null) {
      const options = first as { host?: string; path?: string };
      if (options.path) return (connect as (...a: unknown[]) => net.Socket).apply(this, args); // a local socket or pipe
      host = options.host ?? 'localhost';
    } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args); // connect(path)
    } else host = typeof args[1] === 'string' ? args[1] : 'localhost';
    if (!record('connect', host)) throw new Error(`network access to ${host} refused by the test guard`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const lookup = dns.lookup;
  (dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
    record('dns', hostname);
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  };

  for (const [name, mod] of [['http', http], ['https', https]] as const) {
    const request = mod.request;
    (mod as { request: unknown }).request = function (...args: unknown[]) {
      const first = args[0];
      const host =
        typeof first === 'string' ? new URL(first).hostname : first instanceof URL ? first.hostname : ((first as { hostname?: string; host?: string })?.hostname ?? (first as { host?: string })?.host);
      record(`${name}.request`, host);
      return (request as (...a: unknown[]) => unknown).apply(mod, args);
    };
  }
  return seen;
}
