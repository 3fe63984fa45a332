import type { IncomingMessage, ServerResponse } from 'node:http';
import { BrokerError } from '../util/errors.js';
import type { WebUser } from './realm.js';

/** One authenticated request, as the handlers see it. */
export interface WebRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly user: WebUser;
  readonly isAdmin: boolean;
  /** The body, read once, bounded by the server's maxBodyBytes (413 beyond). */
  body(): Promise<Buffer>;
}

/** A handler for one path prefix. */
export interface WebRoute {
  readonly prefix: string;
  handle(r: WebRequest, rest: string): Promise<void>;
  /** Whether a GET changes state (it must then pass the cross-site check, as every other method does). */
  changesState(r: WebRequest, rest: string): boolean;
  /** Stops the route's own timers, when it has any; called when the server stops. */
  close?(): void;
}

/** An HTTP failure with its status; handlers throw it, the server answers it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Headers on every answer: no MIME sniffing, no framing (clickjacking), no caching of broker data, no referrer
 * leaks, and a CSP that lets nothing run (the APIs serve data, never pages).
 */
export function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Cache-Control', 'no-store');
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the console's own form posts.
  res.setHeader('Referrer-Policy', 'same-origin');
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type });
  res.end(text);
}

/** Reads a request body up to `limit` bytes; beyond it the request fails with 413 and the socket is dropped. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > limit) return Promise.reject(new HttpError(413, `Request body exceeds ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        reject(new HttpError(413, `Request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Status for a management error: unknown names 404, bad arguments 400, the broker's refusals 400, else 500. */
export function statusOf(e: unknown): number {
  if (e instanceof HttpError) return e.status;
  if (e instanceof BrokerError) {
    switch (e.code) {
      case 'ERR_MANAGEMENT_INSTANCE_NOT_FOUND':
      case 'ERR_MANAGEMENT_ATTRIBUTE_NOT_FOUND':
        return 404;
      case 'ERR_SECURITY_AUTHENTICATION':
      case 'ERR_SECURITY_NOT_AUTHORIZED':
        return 403;
      default:
        return e.isBrokerFault ? 500 : 400;
    }
  }
  return 500;
}

/** Query string and (for form posts) body parameters, the way a servlet's getParameter sees them. */
export function formParameters(url: URL, contentType: string | undefined, body: Buffer | null): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if (body !== null && (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

/** Management changes need the admin role (ActiveMQ's jetty.xml adminSecurityConstraint). */
export function requireAdmin(r: WebRequest, what: string): void {
  if (!r.isAdmin) throw new HttpError(403, `User ${r.user.name} may not ${what} (admin role required)`);
}
