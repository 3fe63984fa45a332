/**
 * The child process of crash.test.ts (not a test itself): opens a journal store in argv[2] and writes
 * two-message sync batches from several concurrent writers until it is killed, printing the id of every
 * batch whose write resolved, one line each. Pipe writes are synchronous on Linux, so a printed id has
 * reached the parent before any SIGKILL can land.
 */
import { Destination } from '../../../../src/model/destination.js';
import { Message } from '../../../../src/model/message.js';
import { Logger } from '../../../../src/util/logger.js';
import { JournalPersistenceAdapter } from '../../../../src/store/journal/journal-persistence-adapter.js';

const directory = process.argv[2];
const round = process.argv[3] ?? '0';
if (directory === undefined) {
  process.stderr.write('usage: crash-child <directory> <round>\n');
  process.exit(2);
}
const q = Destination.queue('crash.q');
const store = new JournalPersistenceAdapter({
  directory,
  logger: Logger.silent(),
  journalMaxFileLength: 64 * 1024,
  checkpointInterval: 50,
  cleanupInterval: 120,
});
await store.start();
await store.recover();
process.stdout.write('ready\n');

function message(id: string): Message {
  const m = new Message();
  m.messageId = id;
  m.destination = q;
  m.persistent = true;
  m.bodyType = 'text';
  m.body = Buffer.alloc(200 + (id.length % 7) * 50, id);
  return m;
}

async function writer(w: number): Promise<void> {
  for (let i = 0; ; i++) {
    const id = `r${round}-w${w}-${i}`;
    await store.write(
      [
        { op: 'add', destination: q, message: message(`${id}-a`) },
        { op: 'add', destination: q, message: message(`${id}-b`) },
        // Keep the journal churning so cleanup and compaction run during the test.
        ...(i > 0 && i % 3 !== 0
          ? [{ op: 'remove' as const, destination: q, messageId: `r${round}-w${w}-${i - 1}-b`, subscription: null }]
          : []),
      ],
      true,
    );
    process.stdout.write(`${id}\n`);
  }
}

await Promise.all([0, 1, 2, 3].map(writer));
