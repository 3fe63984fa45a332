import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath, repoRoot } from '../support/repo.js';

/**
 * What `npm publish` would ship, as `npm pack --dry-run` lists it: the compiled broker and conf/, never a
 * compiled test, a test helper or fixture (issue 12). Runs after the build, as `npm test` does.
 */
function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `npm pack --dry-run failed: ${r.stderr}`);
  const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  assert.ok(pack !== undefined, 'npm pack listed no package');
  return pack.files.map((f) => f.path);
}

test('the package ships the compiled broker but no tests, test helpers or fixtures', () => {
  assert.ok(existsSync(repoPath('dist/src/cli/main.js')), 'build first: dist/src/cli/main.js is missing');
  const files = packedFiles();
  assert.ok(files.includes('dist/src/cli/main.js'), 'the CLI entry point (package.json "bin") is not shipped');
  assert.ok(files.includes('conf/activemq.xml'));
  const unwanted = files.filter(
    (f) =>
      /\.test\.js(\.map)?$/.test(f) ||
      /(^|\/)(test-support|test-fixtures|testkit|journal-test-kit|crash-child|fake-file-layer)\.js/.test(f) ||
      /\.contract\.js/.test(f) ||
      /^dist\/(test|bench)\//.test(f) ||
      /^(src|test|bench)\//.test(f),
  );
  assert.deepEqual(unwanted, []);
});
