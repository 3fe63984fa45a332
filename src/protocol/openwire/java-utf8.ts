import { javaUtf8Length, readJavaUtf8, writeJavaUtf8 } from '../../model/primitive-map.js';

/**
 * ActiveMQ writes text bodies with MarshallingSupport.writeUTF8: Java's modified UTF-8, in which NUL takes two
 * bytes (C0 80) and characters outside the BMP are two 3-byte surrogates. Everything else is plain UTF-8, so
 * the common case converts by reference and only bodies with those sequences are transcoded (with the
 * primitive-map module's modified UTF-8 reader and writer).
 */

/** Modified UTF-8 from Java → standard UTF-8. Returns the input itself when it is already standard. */
export function javaUtf8ToUtf8(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b === 0xc0 && bytes[i + 1] === 0x80) || (b === 0xed && (bytes[i + 1]! & 0xf0) >= 0xa0)) {
      return Buffer.from(readJavaUtf8(bytes, 0, bytes.length) ?? '', 'utf8');
    }
  }
  return bytes;
}

/** Standard UTF-8 → Java's modified UTF-8. Returns the input itself when nothing needs changing. */
export function utf8ToJavaUtf8(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b >= 0xf0) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      const out = new Uint8Array(javaUtf8Length(text));
      writeJavaUtf8(out, 0, text);
      return out;
    }
  }
  return bytes;
}
