import { scrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Checks a presented password against the stored form. Plain text is compared in constant time; a stored
 * `scrypt:<salt>:<hash>` (made by `tidemq hash-password`) is verified by recomputing the hash.
 */
export interface PasswordVerifier {
  verify(presented: string, stored: string): Promise<boolean>;
}

const SCRYPT_PREFIX = 'scrypt:';
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: 16384, r: 8, p: 1 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export const defaultPasswordVerifier: PasswordVerifier = {
  async verify(presented, stored) {
    if (stored.startsWith(SCRYPT_PREFIX)) {
      const [, saltB64, hashB64] = stored.split(':');
      if (saltB64 === undefined || hashB64 === undefined) return false;
      const expected = Buffer.from(hashB64, 'base64');
      const actual = await scryptAsync(presented, Buffer.from(saltB64, 'base64'));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    }
    const a = Buffer.from(presented);
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
  },
};

/** Produces the stored form for `tidemq hash-password`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt);
  return `${SCRYPT_PREFIX}${salt.toString('base64')}:${hash.toString('base64')}`;
}
