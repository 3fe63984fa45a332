/** Journals for the region's cursor tests: on a fake file layer, and one whose page reads can be held. */
import type { Destination } from '../../../../src/model/destination.js';
import type { Message } from '../../../../src/model/message.js';
import { JournalPersistenceAdapter } from '../../../../src/store/journal/journal-persistence-adapter.js';
import { ManualClock } from '../../../../src/util/clock.js';
import { Logger } from '../../../../src/util/logger.js';
import type { FakeFileLayer } from '../../store/journal/fake-file-layer.js';

/** The options every cursor test's journal shares: small segments, a manual clock, no log. */
function options(fs: FakeFileLayer, directory: string) {
  return {
    directory,
    // The message store ('/store') is recoverable as a broker's is; temp stores are not.
    recoverable: directory === '/store',
    fileLayer: fs,
    clock: new ManualClock(),
    logger: Logger.silent(),
    journalMaxFileLength: 256 * 1024,
  };
}

export function testJournal(fs: FakeFileLayer, directory: string): JournalPersistenceAdapter {
  return new JournalPersistenceAdapter(options(fs, directory));
}

/**
 * A journal whose next page read (of a queue or of a durable subscription), once armed, takes its snapshot of
 * the store at once and answers only when released: the window in which a send races the read.
 */
export class GatedJournal extends JournalPersistenceAdapter {
  armed = false;
  held: (() => void) | null = null;

  constructor(fs: FakeFileLayer, directory: string) {
    super(options(fs, directory));
  }

  override readMessages(destination: Destination, afterSequence: number, max: number): Promise<Message[]> {
    return this.gate(super.readMessages(destination, afterSequence, max));
  }

  override readSubscriptionMessages(topic: Destination, key: string, after: number, max: number): Promise<Message[]> {
    return this.gate(super.readSubscriptionMessages(topic, key, after, max));
  }

  private async gate(page: Promise<Message[]>): Promise<Message[]> {
    if (this.armed) {
      this.armed = false;
      await new Promise<void>((resolve) => (this.held = resolve));
    }
    return page;
  }
}
