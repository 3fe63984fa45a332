import { X509Certificate } from 'node:crypto';

/** Attribute names Java's X500Name prints differently from OpenSSL's short names. */
const JAVA_KEYWORDS: Record<string, string> = {
  emailAddress: 'EMAILADDRESS',
  serialNumber: 'SERIALNUMBER',
  street: 'STREET',
};

/** Characters that make Java's X500Name (RFC 1779 form) put a value in double quotes. */
const NEEDS_QUOTES = /[,+=\n<>#;\\"]|^\s|\s$|\s\s/;

/**
 * The certificate's subject as `X509Certificate.getSubjectDN().getName()` prints it in Java, the form ActiveMQ's
 * TextFileCertificateLoginModule compares with the DNs in its users file and uses as the user name:
 * most specific attribute first, `, ` between attributes, Java's keywords (`EMAILADDRESS`, `ST`), and a value
 * holding a special character in double quotes (`O="Acme, Inc."`). Throws on bytes that are not a certificate.
 */
export function javaSubjectDn(der: Uint8Array): string {
  const subject = new X509Certificate(der).subject;
  const parts = subject.split('\n').filter((l) => l.length > 0);
  return parts
    .reverse()
    .map((part) => {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq);
      const value = unescapeOpenSsl(part.slice(eq + 1));
      const shown = NEEDS_QUOTES.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
      return `${JAVA_KEYWORDS[key] ?? key}=${shown}`;
    })
    .join(', ');
}

/** Node prints subject values with RFC 2253 escapes (`Acme\, Inc.`); the DN compares unescaped values. */
function unescapeOpenSsl(value: string): string {
  return value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, c: string) =>
    c.length === 2 ? String.fromCharCode(parseInt(c, 16)) : c,
  );
}
