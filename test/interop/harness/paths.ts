import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout root: the nearest folder above this file whose package.json is TideMQ's. Works both from the
 * TypeScript sources (tsx) and from the compiled copy under dist/test/.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'tidemq') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`interop: no TideMQ package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Scratch space for compiled Java classes (gitignored). */
export function workDir(): string {
  return join(repoRoot(), 'test', '.work', 'interop');
}

/** The Java sources of the interop scenarios. */
export function javaSourceDir(): string {
  return join(repoRoot(), 'test', 'interop', 'java');
}
