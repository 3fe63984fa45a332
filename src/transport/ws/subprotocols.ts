/**
 * The subprotocol to answer a WebSocket upgrade with. Like ActiveMQ's WSServlet, the server's ranking
 * decides, not the client's order: among the offered names, the one listed first in `supported` (each
 * module lists its own best first, e.g. v12.stomp, v11.stomp, v10.stomp). Returns '' when the client
 * offered none (ActiveMQ then speaks STOMP "for legacy reasons"), undefined when it offered only names
 * no module serves, so the upgrade can be refused instead of answered with a protocol it did not ask for.
 */
export function chooseSubprotocol(offered: readonly string[], supported: readonly string[]): string | undefined {
  if (offered.length === 0) return '';
  const wanted = new Set(offered.map((s) => s.trim()));
  return supported.find((s) => wanted.has(s));
}

/** Parses a Sec-WebSocket-Protocol request header (comma-separated tokens, possibly repeated). */
export function offeredSubprotocols(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
