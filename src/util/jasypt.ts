import { createHash, randomBytes } from 'node:crypto';
import { desCbcDecrypt, desCbcEncrypt } from './des.js';

/**
 * ActiveMQ's encrypted configuration values: Jasypt's StandardPBEStringEncryptor with its defaults, the algorithm
 * ActiveMQ's `activemq encrypt` command, credentials-enc.properties and the JAAS `decrypt=true` option use:
 * - PBEWithMD5AndDES (PKCS #5 v1.5 PBES1): MD5 applied 1000 times to password‖salt; the first 8 bytes of the
 *   result are the DES key, the next 8 the CBC IV;
 * - an 8-byte random salt written in front of the cipher text, the plain text encoded as UTF-8, the whole
 *   Base64-encoded; a value in a file is wrapped as `ENC(<base64>)` (Jasypt's PropertyValueEncryptionUtils).
 * Pure computation (no files, no environment), so both the configuration loader and security can use it.
 */

const ITERATIONS = 1000;
const SALT_BYTES = 8;

/** Thrown when a value cannot be decrypted: a wrong master password, or text that is not Jasypt's. */
export class JasyptError extends Error {}

function keyAndIv(password: string, salt: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  // SunJCE's PBEKey refuses anything but printable ASCII, so a master password ActiveMQ accepts is ASCII.
  if (!/^[\x20-\x7e]*$/.test(password)) {
    throw new JasyptError('the master password must be printable ASCII (Java’s PBEWithMD5AndDES accepts nothing else)');
  }
  let d: Buffer = createHash('md5').update(Buffer.from(password, 'latin1')).update(salt).digest();
  for (let i = 1; i < ITERATIONS; i++) d = createHash('md5').update(d).digest();
  return { key: d.subarray(0, 8), iv: d.subarray(8, 16) };
}

/** Encrypts as `activemq encrypt --password <master> --input <plain>` does; the result is Base64 (no ENC()). */
export function jasyptEncrypt(
  plain: string,
  masterPassword: string,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): string {
  if (salt.length !== SALT_BYTES) throw new JasyptError(`the salt is ${SALT_BYTES} bytes`);
  const { key, iv } = keyAndIv(masterPassword, salt);
  const cipher = desCbcEncrypt(key, iv, Buffer.from(plain, 'utf8'));
  return Buffer.concat([salt, cipher]).toString('base64');
}

/** Decrypts Jasypt Base64 text (without ENC()); a wrong master password is a JasyptError. */
export function jasyptDecrypt(base64: string, masterPassword: string): string {
  const text = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new JasyptError('the encrypted value is not Base64');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < SALT_BYTES + 8 || (bytes.length - SALT_BYTES) % 8 !== 0) {
    throw new JasyptError(`the encrypted value has ${bytes.length} bytes; Jasypt writes an 8-byte salt and DES blocks`);
  }
  const { key, iv } = keyAndIv(masterPassword, bytes.subarray(0, SALT_BYTES));
  let plain: Uint8Array;
  try {
    plain = desCbcDecrypt(key, iv, bytes.subarray(SALT_BYTES));
  } catch {
    throw new JasyptError('cannot decrypt the value: wrong master password (ACTIVEMQ_ENCRYPTION_PASSWORD)?');
  }
  const out = new TextDecoder('utf-8', { fatal: true });
  try {
    return out.decode(plain);
  } catch {
    // Jasypt's padding check passes by chance for about 1 in 256 wrong keys; the text is then rarely valid UTF-8.
    throw new JasyptError('cannot decrypt the value: wrong master password (ACTIVEMQ_ENCRYPTION_PASSWORD)?');
  }
}

/** Jasypt's PropertyValueEncryptionUtils.isEncryptedValue: `ENC(…)` around the (trimmed) value. */
export function isEncryptedValue(value: string): boolean {
  const t = value.trim();
  return t.startsWith('ENC(') && t.endsWith(')');
}

/** Decrypts an `ENC(…)` value; any other value is returned unchanged. */
export function decryptValue(value: string, masterPassword: string): string {
  if (!isEncryptedValue(value)) return value;
  const t = value.trim();
  return jasyptDecrypt(t.slice(4, -1), masterPassword);
}

/** The environment variable ActiveMQ's EncryptionSupport and the stock configuration read the master password from. */
export const MASTER_PASSWORD_ENV = 'ACTIVEMQ_ENCRYPTION_PASSWORD';
