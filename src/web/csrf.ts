import type { IncomingMessage } from 'node:http';

/**
 * Cross-site request forgery: a browser that holds Basic credentials for the broker would send them with a
 * form post or an <img> from any page. Such requests always carry a foreign Origin (or Referer), or
 * `Sec-Fetch-Site: cross-site`, so they are refused; tools (curl, Jolokia clients, Prometheus) send none of these
 * and pass, which keeps ActiveMQ's documented curl examples working. ActiveMQ's console uses a secret token per
 * form instead; its REST and Jolokia endpoints have no protection at all.
 *
 * Returns why the request is refused, or null.
 */
export function crossSiteReason(req: IncomingMessage, secure: boolean): string | null {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const host = req.headers.host;
  const own = host === undefined ? null : `${secure ? 'https' : 'http'}://${host}`.toLowerCase();
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null' || own === null || origin.toLowerCase() !== own) return `Origin ${origin}`;
    return null;
  }
  const referer = req.headers.referer;
  if (referer !== undefined) {
    let from: string;
    try {
      from = new URL(referer).origin.toLowerCase();
    } catch {
      return 'a malformed Referer';
    }
    if (own === null || from !== own) return `Referer ${referer}`;
  }
  return null;
}
