import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../../src/model/destination.js';
import { Message, type PropertyDecoder } from '../../../src/model/message.js';
import { PropertyType, typed, type Properties } from '../../../src/model/properties.js';
import type {
  PersistenceAdapter,
  RecoveredState,
  RecoverOptions,
  StoreOperation,
} from '../../../src/store/persistence-adapter.js';
import { subscriptionAckKey } from '../../../src/store/store-index.js';

/**
 * The contract every PersistenceAdapter passes (aedes-style: one suite per plug point). A store under test
 * gives `open()`, which returns an adapter over the same storage each time: the memory store returns the
 * same object (it survives stop/start, not the process), a disk store a new object on the same directory.
 */
export interface StoreUnderTest {
  open(): PersistenceAdapter | Promise<PersistenceAdapter>;
  /** Removes the storage (a temp directory); called once the test is done. */
  destroy?(): Promise<void>;
}

/**
 * The decoder disk stores under test must be configured with (`propertyDecoder`): the contract stores
 * messages whose properties are still in an encoded block, as the OpenWire codec leaves them.
 */
export const contractPropertyDecoder: PropertyDecoder = (encoded) => {
  const obj = JSON.parse(Buffer.from(encoded).toString('utf8')) as Record<string, string>;
  return new Map(Object.entries(obj).map(([k, v]) => [k, typed.string(v)]));
};

const Q = Destination.queue('contract.q');
const Q2 = Destination.queue('contract.q2');
const T = Destination.topic('contract.t');

let counter = 0;
function msg(destination: Destination, text = 'hello', id?: string): Message {
  const m = new Message();
  m.messageId = id ?? `ID:contract-${process.pid}-${++counter}`;
  m.destination = destination;
  m.persistent = true;
  m.bodyType = 'text';
  m.body = Buffer.from(text);
  m.timestamp = 1_700_000_000_000 + counter;
  return m;
}

const add = (m: Message, destination = m.destination): StoreOperation => ({ op: 'add', destination, message: m });
const remove = (m: Message, destination = m.destination, subscription: string | null = null): StoreOperation => ({
  op: 'remove',
  destination,
  messageId: m.messageId,
  subscription,
});

function ids(state: RecoveredState, d: Destination): string[] {
  return (state.messages.get(d.key) ?? []).map((m) => m.messageId);
}

function assertSameMessage(actual: Message, expected: Message): void {
  for (const f of [
    'messageId',
    'correlationId',
    'type',
    'priority',
    'expiration',
    'timestamp',
    'persistent',
    'groupId',
    'groupSequence',
    'userId',
    'producerId',
    'producerConnectionId',
    'brokerInTime',
    'brokerOutTime',
    'bodyType',
    'compressed',
  ] as const) {
    assert.deepEqual(actual[f], expected[f], `field ${f}`);
  }
  assert.equal(actual.destination.key, expected.destination.key);
  assert.equal(actual.originalDestination?.key, expected.originalDestination?.key);
  assert.equal(actual.replyTo?.key, expected.replyTo?.key);
  assert.deepEqual(actual.brokerPath, expected.brokerPath);
  assert.deepEqual(
    actual.body === null ? null : Buffer.from(actual.body),
    expected.body === null ? null : Buffer.from(expected.body),
  );
  assert.deepEqual(actual.properties, expected.properties);
}

export function runPersistenceAdapterContract(
  name: string,
  factory: () => StoreUnderTest | Promise<StoreUnderTest>,
): void {
  describe(`PersistenceAdapter contract: ${name}`, () => {
    /** Runs `body` with a started, recovered adapter and a `restart` that reopens the same storage. */
    function withStore(
      title: string,
      body: (s: {
        adapter: () => PersistenceAdapter;
        restart: (options?: RecoverOptions) => Promise<RecoveredState>;
        first: RecoveredState;
      }) => Promise<void>,
    ): void {
      it(title, async () => {
        const sut = await factory();
        let adapter = await sut.open();
        await adapter.start();
        try {
          const first = await adapter.recover();
          await body({
            adapter: () => adapter,
            first,
            restart: async (options?: RecoverOptions) => {
              await adapter.stop();
              adapter = await sut.open();
              await adapter.start();
              return adapter.recover(options);
            },
          });
        } finally {
          await adapter.stop();
          await sut.destroy?.();
        }
      });
    }

    withStore('a new store recovers nothing', async ({ first, adapter }) => {
      assert.deepEqual(first.destinations, []);
      assert.equal(first.messages.size, 0);
      assert.deepEqual(first.subscriptions, []);
      assert.equal(first.subscriptionAcks.size, 0);
      assert.equal(first.prepared.size, 0);
      assert.ok(Number.isFinite(adapter().size()) && adapter().size() >= 0);
    });

    withStore('queue adds and removes survive a restart, in send order', async ({ adapter, restart }) => {
      const ms = [1, 2, 3, 4, 5].map((i) => msg(Q, `m${i}`));
      await adapter().write(
        ms.map((m) => add(m)),
        true,
      );
      await adapter().write([remove(ms[1]!), remove(ms[3]!)], true);
      const state = await restart();
      assert.deepEqual(
        ids(state, Q),
        [ms[0]!, ms[2]!, ms[4]!].map((m) => m.messageId),
      );
      assert.ok(state.destinations.some((d) => d.key === Q.key));
      assert.equal(Buffer.from(state.messages.get(Q.key)![1]!.body!).toString(), 'm3');
    });

    withStore('every message field and property type round-trips', async ({ adapter, restart }) => {
      const m = msg(Q, 'body');
      m.originalDestination = Destination.topic('orig.t');
      m.replyTo = Destination.of('temp-queue', 'ID:x-1:1:1');
      m.correlationId = 'corr-ü-1';
      m.type = 'kind';
      m.priority = 9;
      m.expiration = 1_800_000_000_000;
      m.groupId = 'g';
      m.groupSequence = -3;
      m.userId = 'alice';
      m.producerId = 'ID:p-1:1:1';
      m.producerConnectionId = 'ID:c-1';
      m.brokerInTime = 17;
      m.brokerOutTime = 18;
      m.bodyType = 'bytes';
      m.body = new Uint8Array([0, 1, 2, 255]);
      m.compressed = true;
      m.brokerPath = ['ID:broker-a', 'ID:broker-b'];
      const props: Properties = new Map([
        ['null', typed.null()],
        ['bool', typed.boolean(true)],
        ['byte', typed.byte(-7)],
        ['char', typed.char('é')],
        ['short', typed.short(-300)],
        ['int', typed.int(2_000_000_000)],
        ['long', typed.long(-(2n ** 62n))],
        ['float', typed.float(1.5)],
        ['double', typed.double(Math.PI)],
        ['string', typed.string('snowman ☃')],
        ['bytes', typed.bytes(new Uint8Array([9, 8, 7]))],
        [
          'map',
          {
            type: PropertyType.Map,
            value: new Map([['inner', { type: PropertyType.List, value: [typed.int(1), typed.string('x')] }]]),
          },
        ],
      ]);
      m.properties = props;
      const empty = msg(Q, '');
      empty.body = null;
      empty.bodyType = 'message';
      const encoded = msg(Q, 'enc');
      encoded.setEncodedProperties(Buffer.from(JSON.stringify({ colour: 'red' })), contractPropertyDecoder);
      await adapter().write([add(m), add(empty), add(encoded)], true);
      const state = await restart();
      const [got, gotEmpty, gotEncoded] = state.messages.get(Q.key)!;
      assertSameMessage(got!, m);
      assertSameMessage(gotEmpty!, empty);
      assert.equal(gotEncoded!.properties.get('colour')?.value, 'red');
    });

    withStore('destinations are recorded, and removing one drops its messages', async ({ adapter, restart }) => {
      const m = msg(Q2);
      await adapter().write([{ op: 'add-destination', destination: Q }, add(m)], true);
      let state = await restart();
      assert.deepEqual(state.destinations.map((d) => d.key).sort(), [Q.key, Q2.key].sort());
      await adapter().write([{ op: 'remove-destination', destination: Q2 }], true);
      state = await restart();
      assert.deepEqual(
        state.destinations.map((d) => d.key),
        [Q.key],
      );
      assert.equal(state.messages.get(Q2.key), undefined);
    });

    withStore('a topic message stays until every durable subscription removed it', async ({ adapter, restart }) => {
      const subA = {
        destination: T,
        key: 'c1:a',
        clientId: 'c1',
        subscriptionName: 'a',
        selector: null,
        noLocal: false,
      };
      const subB = {
        destination: T,
        key: 'c2:b',
        clientId: 'c2',
        subscriptionName: 'b',
        selector: "x = 'y'",
        noLocal: true,
      };
      await adapter().write(
        [
          { op: 'add-subscription', subscription: subA },
          { op: 'add-subscription', subscription: subB },
        ],
        true,
      );
      const m1 = msg(T);
      const m2 = msg(T);
      await adapter().write([add(m1), add(m2)], true);
      await adapter().write([remove(m1, T, subA.key)], true);
      let state = await restart();
      assert.deepEqual(state.subscriptions.map((s) => s.key).sort(), [subA.key, subB.key]);
      assert.deepEqual(
        state.subscriptions.find((s) => s.key === subB.key),
        subB,
      );
      assert.deepEqual(ids(state, T), [m1.messageId, m2.messageId]);
      assert.deepEqual([...state.subscriptionAcks.get(subscriptionAckKey(T, subA.key))!], [m1.messageId]);
      assert.deepEqual([...state.subscriptionAcks.get(subscriptionAckKey(T, subB.key))!], []);

      await adapter().write([remove(m1, T, subB.key)], true);
      state = await restart();
      assert.deepEqual(ids(state, T), [m2.messageId]);

      // Removing a subscription releases what only it was waiting for.
      await adapter().write([remove(m2, T, subA.key)], true);
      await adapter().write([{ op: 'remove-subscription', destination: T, key: subB.key }], true);
      state = await restart();
      assert.deepEqual(ids(state, T), []);
      assert.deepEqual(
        state.subscriptions.map((s) => s.key),
        [subA.key],
      );
    });

    withStore('topic messages are kept only for subscriptions that existed when they arrived', async (s) => {
      const early = msg(T);
      await s.adapter().write([add(early)], true);
      const sub = {
        destination: T,
        key: 'c:late',
        clientId: 'c',
        subscriptionName: 'late',
        selector: null,
        noLocal: false,
      };
      await s.adapter().write([{ op: 'add-subscription', subscription: sub }], true);
      const m = msg(T);
      await s.adapter().write([add(m)], true);
      const sub2 = { ...sub, key: 'c:later', subscriptionName: 'later' };
      await s.adapter().write([{ op: 'add-subscription', subscription: sub2 }], true);
      const state = await s.restart();
      assert.deepEqual(ids(state, T), [m.messageId]);
      assert.deepEqual([...state.subscriptionAcks.get(subscriptionAckKey(T, sub2.key))!], [m.messageId]);
    });

    withStore('a durable subscription backlog stays in the store and is read a page at a time', async (s) => {
      const read = s.adapter().readSubscriptionMessages?.bind(s.adapter());
      if (read === undefined) return; // this store keeps durable backlogs in memory
      const sub = (name: string) => ({
        destination: T,
        key: `c:${name}`,
        clientId: 'c',
        subscriptionName: name,
        selector: null,
        noLocal: false,
      });
      const a = sub('a');
      const b = sub('b');
      await s.adapter().write(
        [
          { op: 'add-subscription', subscription: a },
          { op: 'add-subscription', subscription: b },
        ],
        true,
      );
      const ms = Array.from({ length: 10 }, (_, i) => msg(T, `t${i}`));
      await s.adapter().write(
        ms.map((m) => add(m)),
        true,
      );
      // a consumed the even ones; b consumed nothing.
      await s.adapter().write(
        ms.filter((_, i) => i % 2 === 0).map((m) => remove(m, T, a.key)),
        true,
      );
      const state = await s.restart({ deferQueueMessages: true, deferDurableMessages: true });
      assert.deepEqual(ids(state, T), [], 'topic messages were read at start');
      assert.deepEqual(
        [...(state.deferred?.get(T.key)?.ids() ?? [])].sort(),
        ms.map((m) => m.messageId).sort(),
        'the ids of deferred topic messages (for the producer audit)',
      );
      assert.equal(state.deferredSubscriptions?.get(subscriptionAckKey(T, a.key)), 5);
      assert.equal(state.deferredSubscriptions?.get(subscriptionAckKey(T, b.key)), 10);

      const adapter = s.adapter();
      const pageOf = (key: string, after: number, max: number) => adapter.readSubscriptionMessages!(T, key, after, max);
      const first = await pageOf(a.key, 0, 3);
      assert.deepEqual(
        first.map((m) => m.messageId),
        [ms[1]!.messageId, ms[3]!.messageId, ms[5]!.messageId],
      );
      assertSameMessage(first[0]!, ms[1]!);
      const rest = await pageOf(a.key, first[2]!.storeSequence, 10);
      assert.deepEqual(
        rest.map((m) => m.messageId),
        [ms[7]!.messageId, ms[9]!.messageId],
      );
      assert.equal((await pageOf(a.key, rest[1]!.storeSequence, 10)).length, 0);
      // Another subscription's read is its own; a message added later is found after the last one read.
      assert.deepEqual(
        (await pageOf(b.key, 0, 100)).map((m) => m.messageId),
        ms.map((m) => m.messageId),
      );
      const late = msg(T, 'late');
      await adapter.write([add(late)], true);
      assert.deepEqual(
        (await pageOf(a.key, rest[1]!.storeSequence, 10)).map((m) => m.messageId),
        [late.messageId],
      );
      // A message a subscription consumed while its reader was parked is not handed out.
      const more = [msg(T, 'm1'), msg(T, 'm2')];
      await adapter.write(
        more.map((m) => add(m)),
        true,
      );
      await adapter.write([remove(more[0]!, T, a.key)], true);
      assert.deepEqual(
        (await pageOf(a.key, late.storeSequence, 10)).map((m) => m.messageId),
        [more[1]!.messageId],
      );
    });

    withStore('redelivery counts survive a restart', async ({ adapter, restart }) => {
      const m = msg(Q);
      await adapter().write([add(m)], true);
      await adapter().write([{ op: 'redelivered', destination: Q, messageId: m.messageId, count: 1 }], false);
      await adapter().write([{ op: 'redelivered', destination: Q, messageId: m.messageId, count: 3 }], true);
      const state = await restart();
      assert.equal(state.messages.get(Q.key)![0]!.redeliveryCounter, 3);
      assert.equal(m.redeliveryCounter, 0, 'the stored Message object itself is not mutated');
    });

    withStore('prepared XA transactions survive until forgotten', async ({ adapter, restart }) => {
      const old = msg(Q);
      await adapter().write([add(old)], true);
      const inTx = msg(Q, 'in-tx');
      const work: StoreOperation[] = [add(inTx), remove(old)];
      await adapter().write([{ op: 'prepare', transactionId: 'XID:1', operations: work }], true);
      await adapter().write([{ op: 'prepare', transactionId: 'XID:2', operations: [add(msg(Q2))] }], true);
      let state = await restart();
      assert.deepEqual([...state.prepared.keys()].sort(), ['XID:1', 'XID:2']);
      const ops = state.prepared.get('XID:1')!;
      assert.equal(ops.length, 2);
      assert.equal(ops[0]!.op, 'add');
      if (ops[0]!.op === 'add') assertSameMessage(ops[0]!.message, inTx);
      assert.deepEqual(ops[1], remove(old));
      assert.deepEqual(ids(state, Q), [old.messageId], 'prepared work is not applied before commit');

      // Commit XID:1 (its work plus forget, one batch); roll back XID:2 (forget only).
      await adapter().write([...work, { op: 'forget-prepared', transactionId: 'XID:1' }], true);
      await adapter().write([{ op: 'forget-prepared', transactionId: 'XID:2' }], true);
      state = await restart();
      assert.equal(state.prepared.size, 0);
      assert.deepEqual(ids(state, Q), [inTx.messageId]);
      assert.deepEqual(ids(state, Q2), []);
    });

    withStore('a batch with a bad operation is refused whole', async ({ adapter, restart }) => {
      const good = msg(Q);
      const bad = { op: 'no-such-op', destination: Q } as unknown as StoreOperation;
      await assert.rejects(adapter().write([add(good), bad], true));
      const after = msg(Q);
      await adapter().write([add(after)], true);
      const state = await restart();
      assert.deepEqual(ids(state, Q), [after.messageId]);
    });

    withStore('order per destination holds across several restarts', async ({ adapter, restart }) => {
      const expectedQ: string[] = [];
      const expectedQ2: string[] = [];
      for (let round = 0; round < 3; round++) {
        const batch: StoreOperation[] = [];
        for (let i = 0; i < 5; i++) {
          const a = msg(Q);
          const b = msg(Q2);
          expectedQ.push(a.messageId);
          expectedQ2.push(b.messageId);
          batch.push(add(a), add(b));
        }
        await adapter().write(batch, round % 2 === 0);
        const state = await restart();
        assert.deepEqual(ids(state, Q), expectedQ);
        assert.deepEqual(ids(state, Q2), expectedQ2);
      }
    });

    withStore('concurrent sync and non-sync writes all land, in call order', async ({ adapter, restart }) => {
      const ms = Array.from({ length: 40 }, (_, i) => msg(Q, `c${i}`));
      await Promise.all(ms.map((m, i) => adapter().write([add(m)], i % 3 !== 0)));
      const state = await restart();
      assert.deepEqual(
        ids(state, Q),
        ms.map((m) => m.messageId),
      );
    });

    withStore('a duplicate add keeps the first copy', async ({ adapter, restart }) => {
      const m = msg(Q, 'first');
      const dup = msg(Q, 'second', m.messageId);
      await adapter().write([add(m)], true);
      await adapter().write([add(dup)], true);
      const state = await restart();
      const list = state.messages.get(Q.key)!;
      assert.equal(list.length, 1);
      assert.equal(Buffer.from(list[0]!.body!).toString(), 'first');
    });

    withStore('size() grows with stored messages', async ({ adapter }) => {
      const before = adapter().size();
      await adapter().write([add(msg(Q, 'x'.repeat(64 * 1024)))], true);
      assert.ok(adapter().size() >= before + 64 * 1024, `${adapter().size()} < ${before} + 64 KiB`);
    });

    withStore('writes are refused while stopped', async ({ adapter, restart }) => {
      await adapter().stop();
      await assert.rejects(adapter().write([add(msg(Q))], true));
      const state = await restart();
      assert.deepEqual(ids(state, Q), []);
    });
  });
}
