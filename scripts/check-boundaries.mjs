#!/usr/bin/env node
// The import rules that keep the architecture honest (docs/ARCHITECTURE.md):
// - model/, destination/, broker/, store/ interfaces: no sockets, no protocols, no XML, no config;
// - codecs (protocol/<p>/codec*) import nothing of the broker;
// - transport/ moves bytes only: no broker, no protocol;
// - only config/ and cli/ may name store implementations.
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
  { from: /^src\/security\//, deny: [/^src\/(protocol|transport|config|cli)\//, /^node:(net|tls|http|https)$/] },
];

function walk(dir, out) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let failures = 0;
for (const file of walk(root, [])) {
  const rel = relative('.', file).split('\\').join('/');
  const active = rules.filter((r) => r.from.test(rel));
  if (active.length === 0) continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    const target = spec.startsWith('.')
      ? relative('.', resolve(dirname(file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts')
      : spec;
    for (const r of active) {
      if (r.deny.some((d) => d.test(target))) {
        console.error(`${rel}: imports ${spec} (${target}), which its layer may not import`);
        failures++;
      }
    }
  }
}
if (failures > 0) process.exit(1);
console.log('import boundaries: ok');
