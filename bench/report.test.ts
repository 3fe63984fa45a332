import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratios, summarize, type RoundResult, type RunResult } from './results.js';
import { formatTable } from './report.js';
import { escapeXml, renderSvg } from './svg.js';

function round(n: number, rate: number, extra: Partial<RoundResult> = {}): RoundResult {
  return {
    round: n,
    sent: 100,
    received: 100,
    lost: 0,
    duplicates: 0,
    sendRate: rate,
    receiveRate: rate,
    p50Ms: 1,
    p99Ms: 2,
    p999Ms: 3,
    rssPeakMiB: 50,
    cpuSeconds: 1,
    ...extra,
  };
}

function run(): RunResult {
  const t = summarize([round(1, 300), round(2, 100), round(3, 200)]);
  const a = summarize([round(1, 100), round(2, 0, { error: 'generator killed', lost: 4 })]);
  return {
    date: '2025-01-01T00:00:00Z',
    quick: false,
    rounds: 3,
    machine: { cpu: 'Test <CPU> & co', cores: 2, memoryGiB: 4 },
    versions: { node: 'v20', tidemq: '0.1.0', activemq: '5.17.2', java: '17' },
    scenarios: [
      {
        name: 'queue-1to1',
        title: 'queue 1→1',
        description: 'd',
        client: 'jms',
        brokers: { tidemq: { summary: t, rounds: [] }, activemq: { summary: a, rounds: [] } },
        ratio: ratios(t, a),
      },
      {
        name: 'fan-in',
        title: 'fan-in',
        description: 'd',
        client: 'jms',
        brokers: { tidemq: { summary: summarize([round(1, 0, { error: 'did not start' })]), rounds: [] } },
        ratio: {},
      },
    ],
  };
}

test('medians come from the rounds that succeeded, losses from all of them', () => {
  const r = run();
  const t = r.scenarios[0]!.brokers.tidemq!.summary;
  const a = r.scenarios[0]!.brokers.activemq!.summary;
  assert.equal(t.receiveRate, 200);
  assert.equal(a.receiveRate, 100);
  assert.equal(a.roundsOk, 1);
  assert.equal(a.lost, 4);
  assert.equal(a.error, 'generator killed');
  assert.equal(r.scenarios[0]!.ratio.receiveRate, 2);
});

test('the table shows medians, ratios and failed rows', () => {
  const table = formatTable(run());
  assert.match(table, /tidemq\s+3\/3\s+200\s+200/);
  assert.match(table, /throughput 2\.00x/);
  assert.match(table, /tidemq\s+0\/1\s+failed/);
  assert.match(table, /tidemq: did not start/);
});

test('the chart names machine and versions, escapes text and marks failures', () => {
  const svg = renderSvg(run(), ['tidemq', 'activemq']);
  assert.ok(svg.startsWith('<svg '));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.match(svg, /Test &lt;CPU&gt; &amp; co, 2 cores, 4 GiB/);
  assert.match(svg, /ActiveMQ 5\.17\.2/);
  assert.match(svg, /2\.00x/);
  assert.match(svg, /TideMQ: failed \/ unavailable/);
  assert.match(svg, /ActiveMQ 5\.17: not run/);
  assert.equal(escapeXml(`a<b>&"'`), 'a&lt;b&gt;&amp;&quot;&apos;');
});

test('each median shows the range of its rounds, and busy rounds are marked with the load they started at', () => {
  const busy = summarize([
    round(1, 300, { load1: 0.5 }),
    round(2, 100, { load1: 3.2, busy: true, p99Ms: 9 }),
    round(3, 200, { load1: 0.7 }),
  ]);
  assert.deepEqual(busy.range?.receiveRate, [100, 300]);
  assert.deepEqual(busy.range?.p99Ms, [2, 9]);
  assert.equal(busy.busyRounds, 1);
  const r = run();
  r.maxLoad = 2;
  r.scenarios[0]!.brokers.tidemq = {
    summary: busy,
    rounds: [round(1, 300, { load1: 0.5 }), round(2, 100, { load1: 3.2, busy: true }), round(3, 200, { load1: 0.7 })],
  };
  const table = formatTable(r);
  assert.match(table, /tidemq \*1\s+3\/3\s+200\s+200 \(100–300\)\s+1\.00\s+2\.00 \(2\.00–9\.00\)/);
  assert.match(
    table,
    /load before each round: tidemq#1 0\.50, .*tidemq#2 3\.20\*.*\(\* = above 2: busy, figures suspect\)/,
  );
  // One round has no range to show.
  assert.equal(summarize([round(1, 300)]).range, undefined);
});
