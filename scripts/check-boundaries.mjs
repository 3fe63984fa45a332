#!/usr/bin/env node
// The import rules that keep the architecture honest (docs/ARCHITECTURE.md):
// - model/, destination/, broker/, store/ interfaces: no sockets, no protocols, no XML, no config;
// - codecs (protocol/<p>/codec*) import nothing of the broker;
// - transport/ moves bytes only: no broker, no protocol;
// - only config/ and cli/ may name store implementations;
// - src/ never imports test/ or bench/ (neither is shipped), and a module in src/ that only tests import is a
//   test helper: it belongs under test/support/, or it would be compiled into dist/src and shipped.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = 'src';
const rules = [
  {
    from: /^src\/(model|destination)\//,
    deny: [
      /^src\/(broker|protocol|transport|store|security|config|network|client|management|cli)\//,
      /^node:(net|tls|http|https|dgram)$/,
      /^(saxes|ws)$/,
    ],
  },
  {
    from: /^src\/broker\//,
    deny: [
      /^src\/(protocol|transport|config|cli|management)\//,
      /^src\/store\/(?!persistence-adapter|memory\/)/,
      /^node:(net|tls|http|https|dgram)$/,
      /^(saxes|ws)$/,
    ],
  },
  {
    from: /^src\/protocol\/[^/]+\/codec/,
    deny: [/^src\/(broker|transport|store|security|config|network|management|cli)\//, /^node:(net|tls)$/],
  },
  { from: /^src\/transport\//, deny: [/^src\/(broker|protocol|store|security|config|network|management|cli)\//] },
  // management/: views and operations over the running core; no sockets, HTTP, protocols or configuration, so
  // the web server, the CLI and the console share it.
  {
    from: /^src\/management\//,
    deny: [
      /^src\/(protocol|transport|config|cli|server|web|security|network|client)\//,
      /^src\/store\/(?!persistence-adapter)/,
      /^node:(net|tls|http|https|dgram)$/,
      /^(saxes|ws|prom-client)$/,
    ],
  },
  // web/: the HTTP(S) server (REST, Jolokia, metrics) on management/; it loads key material through transport/tls.
  {
    from: /^src\/web\//,
    deny: [/^src\/(protocol|config|cli|server|network|client|store)\//, /^src\/transport\/(?!tls\/)/],
  },
  { from: /^src\/security\//, deny: [/^src\/(protocol|transport|config|cli)\//, /^node:(net|tls|http|https)$/] },
  { from: /^src\//, deny: [/^(test|bench)\//] },
];

// Modules in src/ that nothing in src/ imports but that are entry points of their own (not test helpers).
const entryPoints = new Set(['src/cli/main.ts', 'src/protocol/openwire/codec/index.ts']);

function walk(dir, out) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === '.work' || e === 'results') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const isTest = (rel) => rel.endsWith('.test.ts') || !rel.startsWith('src/');
/** Every file's imports, as repository paths (relative specifiers) or bare specifiers. */
const imports = new Map();
for (const file of [...walk(root, []), ...walk('test', []), ...walk('bench', [])]) {
  const rel = relative('.', file).split('\\').join('/');
  const text = readFileSync(file, 'utf8');
  const specs = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    const target = spec.startsWith('.')
      ? relative('.', resolve(dirname(file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts')
      : spec;
    specs.push({ spec, target });
  }
  imports.set(rel, specs);
}

let failures = 0;
for (const [rel, specs] of imports) {
  if (isTest(rel)) continue;
  const active = rules.filter((r) => r.from.test(rel));
  for (const { spec, target } of specs) {
    for (const r of active) {
      if (r.deny.some((d) => d.test(target))) {
        console.error(`${rel}: imports ${spec} (${target}), which its layer may not import`);
        failures++;
      }
    }
  }
}
// Test-only modules in src/: every importer is a test (or another test-only module), found to a fixed point.
const importers = new Map();
for (const [rel, specs] of imports) {
  for (const { target } of specs) {
    if (!importers.has(target)) importers.set(target, []);
    importers.get(target).push(rel);
  }
}
const testOnly = new Set();
for (let grew = true; grew;) {
  grew = false;
  for (const rel of imports.keys()) {
    if (isTest(rel) || testOnly.has(rel) || entryPoints.has(rel)) continue;
    const by = importers.get(rel) ?? [];
    if (by.length > 0 && by.every((i) => isTest(i) || testOnly.has(i))) {
      testOnly.add(rel);
      grew = true;
    }
  }
}
for (const rel of testOnly) {
  console.error(`${rel}: only tests import it; move it under test/support/ (src/ is compiled into the package)`);
  failures++;
}

if (failures > 0) process.exit(1);
console.log('import boundaries: ok');
