import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress, UsageError, parseAckMode, parseFlags } from './client-command.js';

function stream(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = { isTTY, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

test('on a terminal the progress is one redrawn bar with rate and ETA', () => {
  const s = stream(true);
  const p = new Progress('producer', 4, s.out, false);
  for (let i = 0; i < 4; i++) p.tick();
  assert.match(s.text(), /\rproducer \[#{30}\] 4\/4 \d+ msg\/s ETA 0\.0 s \n$/);
});

test('elsewhere it is plain lines, one per tenth, and nothing at all with --json', () => {
  const s = stream(false);
  const p = new Progress('consumer', 20, s.out, false);
  for (let i = 0; i < 20; i++) p.tick();
  const lines = s.text().trim().split('\n');
  assert.equal(lines.length, 10);
  assert.match(lines[9]!, /^consumer: 20\/20 \(\d+ msg\/s\)$/);
  const q = stream(false);
  const quiet = new Progress('x', 5, q.out, true);
  quiet.tick(5);
  assert.equal(q.text(), '');
  assert.equal(quiet.count, 5);
});

test('flags: --a b, --a=b, bare booleans, positionals; unknown names and bad numbers are usage errors', () => {
  const { flags, positionals } = parseFlags(
    ['--messageCount', '5', '--json', '--persistent', 'false', '--user=u', 'q1'],
    {
      messageCount: 'number',
      json: 'boolean',
      persistent: 'boolean',
      user: 'string',
    },
  );
  assert.equal(flags.get('messageCount'), 5);
  assert.equal(flags.get('json'), true);
  assert.equal(flags.get('persistent'), false);
  assert.equal(flags.get('user'), 'u');
  assert.deepEqual(positionals, ['q1']);
  assert.throws(() => parseFlags(['--nope'], {}), UsageError);
  assert.throws(() => parseFlags(['--n', 'x'], { n: 'number' }), /not a number/);
  assert.equal(parseAckMode('CLIENT_ACKNOWLEDGE', false), 'client');
  assert.equal(parseAckMode(undefined, true), 'transacted');
});
