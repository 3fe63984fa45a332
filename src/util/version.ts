import { readFileSync } from 'node:fs';

let cached: string | null = null;

/**
 * TideMQ's version, from the package.json shipped beside dist/ (`tidemq --version`, the start banner,
 * BrokerViewMBean BrokerVersion). Read once; "unknown" when the file is not where a checkout or an npm
 * install puts it.
 */
export function tidemqVersion(): string {
  if (cached !== null) return cached;
  cached = 'unknown';
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tidemq' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // not at this depth (src/ under tsx, dist/src/ when built)
    }
  }
  return cached;
}
