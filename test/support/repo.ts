import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root, found from this file whether it runs from the sources (tsx) or from dist/ (npm test),
 * so tests can read fixtures that are not compiled.
 */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot();

/** A path inside the checkout: `repoPath('test/security/fixtures', 'client.pem')`. */
export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}
