/**
 * A minimal DER reader: just enough ASN.1 to walk PKCS#12 and PKCS#8 structures. Every length is checked
 * against the bytes actually present before it is used, and nesting is bounded, so a corrupt or hostile
 * keystore yields a DerError instead of a huge allocation or a stack overflow.
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export interface DerNode {
  /** The identifier octet: class, constructed bit and tag number (single-byte tags only). */
  readonly tag: number;
  /** The content octets. */
  readonly value: Buffer;
  /** The whole TLV, for re-encoding (e.g. certificates). */
  readonly raw: Buffer;
}

export const Tag = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] constructed, context-specific. */
  CONTEXT_0: 0xa0,
  /** [0] primitive, context-specific (IMPLICIT OCTET STRING). */
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

const MAX_DEPTH = 32;

/** Reads one TLV at `offset`; returns the node and the offset after it. */
export function readNode(buf: Buffer, offset: number): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated DER (no room for tag and length)');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte ASN.1 tags are not used by keystores');
  let len = buf[offset + 1]!;
  let pos = offset + 2;
  if (len === 0x80) throw new DerError('indefinite-length encoding is not DER');
  if (len > 0x80) {
    const count = len & 0x7f;
    if (count > 4) throw new DerError('DER length field too long');
    if (pos + count > buf.length) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[pos + i]!;
    pos += count;
  }
  if (pos + len > buf.length) throw new DerError(`DER length ${len} runs past the end of the data`);
  return { node: { tag, value: buf.subarray(pos, pos + len), raw: buf.subarray(offset, pos + len) }, next: pos + len };
}

/** Parses exactly one TLV covering the whole buffer. */
export function parseDer(buf: Buffer): DerNode {
  const { node, next } = readNode(buf, 0);
  if (next !== buf.length) throw new DerError('trailing bytes after DER structure');
  return node;
}

/** The children of a constructed node. */
export function children(node: DerNode, depth = 0): DerNode[] {
  if (depth > MAX_DEPTH) throw new DerError('DER nesting too deep');
  if ((node.tag & 0x20) === 0)
    throw new DerError(`expected a constructed ASN.1 value, got tag 0x${node.tag.toString(16)}`);
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readNode(node.value, pos);
    out.push(child);
    pos = next;
  }
  return out;
}

export function expect(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`missing ${what}`);
  if (node.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  }
  return node;
}

export function sequence(node: DerNode | undefined, what: string): DerNode[] {
  return children(expect(node, Tag.SEQUENCE, what));
}

export function decodeOid(node: DerNode | undefined, what = 'OBJECT IDENTIFIER'): string {
  const v = expect(node, Tag.OID, what).value;
  if (v.length === 0) throw new DerError(`${what}: empty`);
  const parts: number[] = [];
  const first = v[0]!;
  // Keystore OIDs all start with 0, 1 or 2 and a small second arc, encoded in the first byte.
  parts.push(first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80);
  let acc = 0;
  for (let i = 1; i < v.length; i++) {
    const b = v[i]!;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER) throw new DerError(`${what}: arc too large`);
    if ((b & 0x80) === 0) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** A non-negative INTEGER that fits a JavaScript number (iteration counts, versions). */
export function decodeSmallInt(node: DerNode | undefined, what: string): number {
  const v = expect(node, Tag.INTEGER, what).value;
  if (v.length === 0 || v.length > 6 || (v[0]! & 0x80) !== 0)
    throw new DerError(`${what}: not a small positive integer`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/**
 * The bytes of an OCTET STRING, accepting the constructed form (a sequence of OCTET STRING chunks) that BER
 * producers such as older Java and Windows use inside PKCS#12 EncryptedData.
 */
export function octets(node: DerNode, what: string, depth = 0): Buffer {
  if ((node.tag & 0x20) === 0) return node.value;
  if (depth > 4) throw new DerError(`${what}: nested constructed OCTET STRING too deep`);
  return Buffer.concat(children(node, depth).map((c) => octets(c, what, depth + 1)));
}
