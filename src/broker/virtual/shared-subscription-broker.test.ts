import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegionBroker } from '../region/region-broker.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { Destination } from '../../model/destination.js';
import { Message } from '../../model/message.js';
import { consumerInfoFor, type ConsumerInfo } from '../../model/commands.js';
import type { ConnectionContext, Delivery } from '../broker.js';
import { SharedSubscriptionBroker, sharedQueue } from './shared-subscription-broker.js';

let n = 0;
const ctx: ConnectionContext = {
  info: { connectionId: 'c', clientId: null, userName: null, password: null, remoteAddress: 't', protocol: 't' },
  security: null,
  control: { close: () => {} },
};

function member(topic: Destination, group: string, accepts?: (d: Destination) => boolean): ConsumerInfo {
  return consumerInfoFor(`k${++n}`, topic, { ackMode: 'auto', shareGroup: group, ...(accepts ? { accepts } : {}) });
}

function msg(dest: Destination, body: string): Message {
  const m = new Message();
  m.messageId = `ID:s${++n}`;
  m.destination = dest;
  m.body = Buffer.from(body);
  return m;
}

async function setup() {
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock: new ManualClock() });
  const b = new SharedSubscriptionBroker(region);
  await b.start();
  await b.addConnection(ctx);
  const join = async (info: ConsumerInfo): Promise<string[]> => {
    const got: string[] = [];
    const sink = {
      ready: true,
      deliver: (d: Delivery | null) => {
        if (d) got.push(Buffer.from(d.message.body!).toString());
        return undefined;
      },
    };
    await b.addConsumer(ctx, info, sink);
    return got;
  };
  return { b, join };
}

test('a wildcard group is fed only the topics every member may read (the authorization filter’s accepts)', async () => {
  const { b, join } = await setup();
  const filter = Destination.topic('sh.*');
  const got = await join(member(filter, 'g', (d) => d.name !== 'sh.secret'));
  await b.send(ctx, msg(Destination.topic('sh.open'), 'open'), null);
  await b.send(ctx, msg(Destination.topic('sh.secret'), 'secret'), null);
  assert.deepEqual(got, ['open']);
});

test('the group queue is named after group and filter, wildcards escaped, and goes with its last member', async () => {
  const { b, join } = await setup();
  const filter = Destination.topic('a.*.>');
  const queue = sharedQueue('g.1/x', filter);
  assert.equal(queue.name, '$share/g.1%2Fx/a.%2A.%3E');
  assert.equal(queue.isWildcard, false);
  const one = member(filter, 'g.1/x');
  const two = member(filter, 'g.1/x');
  const got1 = await join(one);
  const got2 = await join(two);
  for (let i = 0; i < 4; i++) await b.send(ctx, msg(Destination.topic('a.b.c'), `m${i}`), null);
  assert.deepEqual([...got1, ...got2].sort(), ['m0', 'm1', 'm2', 'm3']);
  assert.ok(got1.length > 0 && got2.length > 0);
  await b.removeConsumer(ctx, one.consumerId);
  assert.equal(b.destinationExists(queue), true, 'the group lives on with one member');
  await b.removeConsumer(ctx, two.consumerId);
  assert.equal(b.destinationExists(queue), false);
  assert.equal(b.groupMembers('g.1/x', filter), 0);
});

test('a member naming a subscription holds the group after it detaches, until removeSubscription', async () => {
  const { b, join } = await setup();
  const topic = Destination.topic('held');
  const queue = sharedQueue('g', topic);
  const info = { ...member(topic, 'g'), subscriptionName: 'AT_LEAST_ONCE:$share/g/held' };
  await join(info);
  await b.removeConsumer(ctx, info.consumerId);
  assert.deepEqual(b.durableSubscriptions('c'), ['AT_LEAST_ONCE:$share/g/held']);
  await b.send(ctx, msg(topic, 'while away'), null);
  assert.equal(b.destinationExists(queue), true);
  const again = { ...member(topic, 'g'), subscriptionName: 'AT_LEAST_ONCE:$share/g/held' };
  const back = await join(again);
  assert.deepEqual(back, ['while away']);
  await b.removeConsumer(ctx, again.consumerId);
  await b.removeSubscription(ctx, 'c', 'AT_LEAST_ONCE:$share/g/held');
  assert.equal(b.destinationExists(queue), false);
  assert.deepEqual(b.durableSubscriptions('c'), []);
});
