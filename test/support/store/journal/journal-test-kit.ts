import { Destination } from '../../../../src/model/destination.js';
import { Message } from '../../../../src/model/message.js';
import { ManualClock } from '../../../../src/util/clock.js';
import { Logger } from '../../../../src/util/logger.js';
import type { RecoveredState, StoreOperation } from '../../../../src/store/persistence-adapter.js';
import { FakeFileLayer } from './fake-file-layer.js';
import {
  JournalPersistenceAdapter,
  type DamageReport,
  type JournalPersistenceAdapterOptions,
} from '../../../../src/store/journal/journal-persistence-adapter.js';

/** Shared fixtures for the journal's unit tests (not a test file itself). */
export const Q = Destination.queue('kit.q');

let n = 0;
export function textMessage(text: string, destination: Destination = Q): Message {
  const m = new Message();
  m.messageId = `ID:kit-${++n}`;
  m.destination = destination;
  m.persistent = true;
  m.bodyType = 'text';
  m.body = Buffer.from(text);
  return m;
}

export const addOp = (m: Message): StoreOperation => ({ op: 'add', destination: m.destination, message: m });
export const removeOp = (m: Message): StoreOperation => ({
  op: 'remove',
  destination: m.destination,
  messageId: m.messageId,
  subscription: null,
});

export interface Opened {
  store: JournalPersistenceAdapter;
  state: RecoveredState;
  damage: DamageReport[];
}

/** Starts a journal store on `fs` (fake by default) with a manual clock, so no timer fires unasked. */
export async function openStore(
  fs: FakeFileLayer,
  options: Partial<JournalPersistenceAdapterOptions> = {},
): Promise<Opened> {
  const damage: DamageReport[] = [];
  const store = new JournalPersistenceAdapter({
    directory: '/store',
    fileLayer: fs,
    clock: new ManualClock(),
    logger: Logger.silent(),
    onDamage: (d) => damage.push(d),
    ...options,
  });
  await store.start();
  const state = await store.recover();
  return { store, state, damage };
}

export function idsOf(state: RecoveredState, d: Destination = Q): string[] {
  return (state.messages.get(d.key) ?? []).map((m) => m.messageId);
}

export function bodyOf(m: Message): string {
  return Buffer.from(m.body ?? new Uint8Array()).toString();
}
