import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Logger } from '../../util/logger.js';
import { JournalPersistenceAdapter } from './journal-persistence-adapter.js';

// The child is a test helper: test/support/ beside src/, both in the checkout and in dist/.
const childUrl = new URL(
  `../../../test/support/store/journal/crash-child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/** Runs the writer child, SIGKILLs it at a random moment after it is ready, returns the acknowledged ids. */
function runAndKill(directory: string, round: number): Promise<string[]> {
  const execArgv = childUrl.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...execArgv, fileURLToPath(childUrl), directory, String(round)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!armed && out.includes('ready\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), 100 + Math.floor(Math.random() * 250));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited ${code}: ${err}`));
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill is not an acknowledgement
      resolve(lines.filter((l) => l !== 'ready'));
    });
  });
}

describe('journal crash safety', () => {
  it('every batch acknowledged before a SIGKILL is recovered, whole and in order', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tidemq-crash-'));
    try {
      const acked: string[] = [];
      for (let round = 0; round < 2; round++) {
        acked.push(...(await runAndKill(directory, round)));
        assert.ok(acked.length > 0, 'the child acknowledged nothing');
        const store = new JournalPersistenceAdapter({ directory, logger: Logger.silent() });
        await store.start();
        const state = await store.recover();
        await store.stop();
        const ids = (state.messages.get('queue://crash.q') ?? []).map((m) => m.messageId);
        const present = new Set(ids);
        for (const id of acked) assert.ok(present.has(`${id}-a`), `acknowledged batch ${id} lost`);
        // Atomicity: a batch is there whole or not at all. Batch i+1 removes i's -b unless i+1 is a multiple
        // of 3, so i's -b is present exactly when that removal has not been applied.
        for (const id of ids) {
          const [, w, i, half] = /^(r\d+-w\d+)-(\d+)-([ab])$/.exec(id)!;
          if (half === 'b') {
            assert.ok(present.has(`${w}-${i}-a`), `batch ${w}-${i} only half there`);
            continue;
          }
          const next = Number(i) + 1;
          const removed = next % 3 !== 0 && present.has(`${w}-${next}-a`);
          assert.equal(present.has(`${w}-${i}-b`), !removed, `batch ${w}-${i} (or the next one) only half there`);
        }
        // Per writer, messages come back in the order they were written.
        const byWriter = new Map<string, number[]>();
        for (const id of ids) {
          const [, w, i] = /^(r\d+-w\d+)-(\d+)-[ab]$/.exec(id)!;
          const list = byWriter.get(w!) ?? [];
          list.push(Number(i));
          byWriter.set(w!, list);
        }
        for (const [w, list] of byWriter) {
          for (let k = 1; k < list.length; k++)
            assert.ok(list[k - 1]! <= list[k]!, `${w} out of order: ${list.join(',')}`);
        }
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
