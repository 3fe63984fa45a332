import { ConfigError } from './config-error.js';

/**
 * Parses java.util.Properties text (the format of credentials.properties, users.properties, …) the way
 * Properties.load does: `#` and `!` comment lines; `key=value`, `key:value` or `key value`; a backslash at
 * the end of a line continues it (leading blanks of the next line dropped); `\t \n \r \f \uXXXX` escapes,
 * and a backslash before any other character stands for that character. Later keys replace earlier ones.
 * Spring's PropertiesLoaderUtils reads the bytes as ISO-8859-1, so callers decode files with 'latin1'.
 */
export function parseProperties(text: string, file: string): Map<string, string> {
  const result = new Map<string, string>();
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    const firstLine = i + 1;
    let line = physical[i]!.replace(/^[ \t\f]+/, '');
    if (line.length === 0 || line[0] === '#' || line[0] === '!') continue;
    // Join continuation lines: an odd number of trailing backslashes escapes the line end.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      i++;
      line = line.slice(0, -1) + physical[i]!.replace(/^[ \t\f]+/, '');
    }
    if (/(^|[^\\])(\\\\)*\\$/.test(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length && !/[=: \t\f]/.test(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const rawKey = line.slice(0, Math.min(k, line.length));
    let v = k;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
    const at = { file, line: firstLine, column: 1 };
    result.set(unescape(rawKey, at), unescape(line.slice(v), at));
  }
  return result;
}

function unescape(s: string, at: { file: string; line: number; column: number }): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigError(at, `malformed \\uXXXX escape "\\u${hex}" in a properties file`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += n === 't' ? '\t' : n === 'n' ? '\n' : n === 'r' ? '\r' : n === 'f' ? '\f' : n;
    }
  }
  return out;
}
