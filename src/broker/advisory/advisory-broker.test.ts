import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Destination } from '../../model/destination.js';
import { typed } from '../../model/properties.js';
import { MemoryPersistenceAdapter } from '../../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../../util/clock.js';
import { PolicyMap } from '../policy/policy-map.js';
import { RegionBroker } from '../region/region-broker.js';
import { consumerInfo, context, message, settle, TestSink } from '../../../test/support/broker/region/test-support.js';
import { AdvisoryBroker } from './advisory-broker.js';

async function setup(includeBodyForAdvisory = false) {
  const clock = new ManualClock();
  const policies = new PolicyMap()
    .put(Destination.queue('>'), { includeBodyForAdvisory })
    .put(Destination.topic('>'), { sendAdvisoryIfNoConsumers: true });
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock, policies });
  const b = new AdvisoryBroker(region, { events: region });
  await b.start();
  const ctx = context();
  await b.addConnection(ctx);
  const listen = async (dest: Destination): Promise<TestSink> => {
    const sink = new TestSink();
    await b.addConsumer(ctx, consumerInfo(dest), sink);
    return sink;
  };
  return { b, clock, ctx, listen };
}

test('an Expired advisory carries a copy of the message, body cleared, as its payload', async () => {
  const { b, clock, ctx, listen } = await setup();
  const advisories = await listen(Destination.topic('ActiveMQ.Advisory.Expired.Queue.EXP'));
  const sent = message(Destination.queue('EXP'), 'gone', { expiration: clock.now() + 100 });
  sent.properties = new Map([['tag', typed.string('t1')]]);
  await b.send(ctx, sent, null);
  clock.advance(100);
  await listen(Destination.queue('EXP'));
  await settle();
  assert.equal(advisories.received.length, 1);
  const advisory = advisories.received[0]!.message;
  assert.equal(advisory.type, 'Advisory');
  assert.equal(advisory.properties.get('orignalMessageId')?.value, sent.messageId);
  assert.equal(advisory.advisory?.kind, 'message');
  const payload = advisory.advisory.kind === 'message' ? advisory.advisory.message : null;
  assert.equal(payload?.messageId, sent.messageId);
  assert.equal(payload?.destination, Destination.queue('EXP'));
  assert.equal(payload?.body, null);
  assert.equal(payload?.properties.get('tag')?.value, 't1');
  assert.notEqual(sent.body, null, 'the original is untouched');
});

test('includeBodyForAdvisory keeps the body in the payload', async () => {
  const { b, clock, ctx, listen } = await setup(true);
  const advisories = await listen(Destination.topic('ActiveMQ.Advisory.Expired.Queue.EXP'));
  await b.send(ctx, message(Destination.queue('EXP'), 'kept', { expiration: clock.now() + 100 }), null);
  clock.advance(100);
  await listen(Destination.queue('EXP'));
  await settle();
  const payload = advisories.received[0]!.message.advisory;
  assert.equal(payload?.kind === 'message' ? Buffer.from(payload.message.body!).toString() : null, 'kept');
});

test('a NoConsumer advisory is the NON_PERSISTENT message itself on the advisory topic', async () => {
  const { b, ctx, listen } = await setup();
  const advisories = await listen(Destination.topic('ActiveMQ.Advisory.NoConsumer.Topic.LONELY'));
  const lost = message(Destination.topic('LONELY'), 'nobody', { persistent: false });
  await b.send(ctx, message(Destination.topic('LONELY'), 'stored', { persistent: true }), null);
  await b.send(ctx, lost, null);
  await settle();
  assert.deepEqual(advisories.bodies, ['nobody']);
  const m = advisories.received[0]!.message;
  assert.equal(m.messageId, lost.messageId);
  assert.equal(m.destination, Destination.topic('ActiveMQ.Advisory.NoConsumer.Topic.LONELY'));
  assert.equal(m.advisory, null);
});
