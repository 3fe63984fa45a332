import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PropertyType } from '../../../model/properties.js';
import { encodePrimitiveMap } from '../../../model/primitive-map.js';
import { CodecError } from './errors.js';
import { T } from './types.js';
import {
  createWireFormatInfo,
  DEFAULT_WIRE_FORMAT_OPTIONS,
  javaHashMapOrder,
  MARSHAL_CACHE_SIZE,
  negotiateWireFormat,
  OpenWireFormat,
  wireFormatInfoOptions,
  type WireFormatOptions,
} from './wire-format.js';

const base = DEFAULT_WIRE_FORMAT_OPTIONS;
const opts = (o: Partial<WireFormatOptions>): WireFormatOptions => ({ ...base, ...o });

test('a connection starts loose, without cache, with the size prefix', () => {
  const f = new OpenWireFormat();
  assert.equal(f.version, 12);
  assert.equal(f.tightEncodingEnabled, false);
  assert.equal(f.cacheEnabled, false);
  assert.equal(f.sizePrefixDisabled, false);
  assert.equal(f.stackTraceEnabled, false);
  assert.equal(f.negotiated, null);
  assert.throws(() => new OpenWireFormat({ version: 13 }), CodecError);
  assert.throws(() => new OpenWireFormat({ version: 0 }), CodecError);
});

test('negotiation follows renegotiateWireFormat: min version, AND flags, min cache size', () => {
  const n = negotiateWireFormat(
    opts({ version: 12, cacheSize: 1024, stackTraceEnabled: true }),
    opts({ version: 10, cacheSize: 512, stackTraceEnabled: false, tightEncodingEnabled: false }),
  );
  assert.equal(n.version, 10);
  assert.equal(n.tightEncodingEnabled, false);
  assert.equal(n.cacheEnabled, true);
  assert.equal(n.cacheSize, 512);
  assert.equal(n.stackTraceEnabled, false);
  assert.equal(n.tcpNoDelayEnabled, true);
  assert.equal(n.sizePrefixDisabled, false);
  assert.equal(
    negotiateWireFormat(opts({ sizePrefixDisabled: true }), opts({ sizePrefixDisabled: true })).sizePrefixDisabled,
    true,
  );
  assert.equal(negotiateWireFormat(opts({ sizePrefixDisabled: true }), opts({})).sizePrefixDisabled, false);
  assert.equal(negotiateWireFormat(opts({ cacheEnabled: false }), opts({})).cacheSize, 0);
  // A peer newer than us: our version.
  assert.equal(negotiateWireFormat(opts({ version: 12 }), opts({ version: 14 })).version, 12);
  assert.throws(() => negotiateWireFormat(opts({}), opts({ version: 0 })), /lower than 1/);
});

test('maxFrameSize takes the smaller value that is set; inactivity the plain minimum', () => {
  assert.equal(negotiateWireFormat(opts({ maxFrameSize: 1000 }), opts({ maxFrameSize: 0 })).maxFrameSize, 1000);
  assert.equal(negotiateWireFormat(opts({ maxFrameSize: 1000 }), opts({ maxFrameSize: 500 })).maxFrameSize, 500);
  assert.equal(negotiateWireFormat(opts({ maxFrameSize: 1000 }), opts({ maxFrameSize: 2 ** 63 })).maxFrameSize, 1000);
  const n = negotiateWireFormat(
    opts({ maxInactivityDuration: 30000, maxInactivityDurationInitialDelay: 10000 }),
    opts({ maxInactivityDuration: 0, maxInactivityDurationInitialDelay: 5000 }),
  );
  assert.equal(n.maxInactivityDuration, 0, '0 from either side disables the inactivity monitor');
  assert.equal(n.maxInactivityDurationInitialDelay, 5000);
  assert.equal(n.writeCheckTime, 0);
  const m = negotiateWireFormat(opts({ maxInactivityDuration: 30000 }), opts({ maxInactivityDuration: 45000 }));
  assert.equal(m.maxInactivityDuration, 30000);
  assert.equal(m.writeCheckTime, 10000);
});

test('negotiate() reads the peer WireFormatInfo and applies the result, cache size 0 meaning 16383', () => {
  const broker = new OpenWireFormat({ maxFrameSize: 104857600 });
  const client = createWireFormatInfo({ version: 11, cacheSize: 0, maxFrameSize: Infinity, stackTraceEnabled: false });
  const n = broker.negotiate(client);
  assert.equal(broker.version, 11);
  assert.equal(broker.tightEncodingEnabled, true);
  assert.equal(broker.cacheEnabled, true);
  assert.equal(n.cacheSize, 0);
  assert.equal(broker.cacheSize, MARSHAL_CACHE_SIZE);
  assert.equal(broker.stackTraceEnabled, false);
  assert.equal(broker.maxFrameSize, 104857600);
  assert.equal(broker.maxInactivityDuration, 30000);
  assert.equal(broker.negotiated, n);
});

test('WireFormatInfo properties round-trip through options, with ActiveMQ limits on decode', () => {
  const o = opts({
    host: 'h',
    providerName: 'TideMQ',
    providerVersion: '1',
    platformDetails: 'Node',
    maxFrameSize: 123,
  });
  const info = createWireFormatInfo(o);
  assert.equal(info.type, T.WIREFORMAT_INFO);
  assert.deepEqual(wireFormatInfoOptions(info), o);
  // Missing properties read as false / 0 / null.
  const bare = { ...info, marshalledProperties: null };
  assert.equal(wireFormatInfoOptions(bare).cacheEnabled, false);
  assert.equal(wireFormatInfoOptions(bare).maxFrameSize, 0);
  // More than 64 entries, a nested map, a 1 KiB value: refused as CodecError.
  const many = new Map(Array.from({ length: 65 }, (_, i) => [`k${i}`, { type: PropertyType.Int, value: i }] as const));
  assert.throws(() => wireFormatInfoOptions({ ...info, marshalledProperties: encodePrimitiveMap(many) }), CodecError);
  const nested = new Map([['m', { type: PropertyType.Map, value: new Map() }]] as const);
  assert.throws(() => wireFormatInfoOptions({ ...info, marshalledProperties: encodePrimitiveMap(nested) }), CodecError);
  const big = new Map([['s', { type: PropertyType.String, value: 'x'.repeat(1024) }]] as const);
  assert.throws(() => wireFormatInfoOptions({ ...info, marshalledProperties: encodePrimitiveMap(big) }), CodecError);
});

test('javaHashMapOrder matches java.util.HashMap iteration', () => {
  // Observed from a Java 17 HashMap<String,Object> filled in this order.
  const keys = ['big', 'b', 'flag', 's', 'color', 'f', 'count', 'weight', 'unicode'];
  const inserted = ['color', 'count', 'big', 'flag', 'weight', 'b', 's', 'f', 'unicode'];
  assert.deepEqual(
    javaHashMapOrder(inserted.map((k) => [k, 0] as [string, number])).map((e) => e[0]),
    keys,
  );
});

test('encode refuses frames over maxFrameSize and commands it cannot write', () => {
  const f = new OpenWireFormat({ maxFrameSize: 100 });
  const big = {
    type: T.CONTROL_COMMAND,
    commandId: 0,
    responseRequired: false,
    command: 'x'.repeat(200),
  } as const;
  assert.throws(
    () => f.encode(big),
    (e: unknown) => e instanceof CodecError && e.code === 'ERR_FRAME_TOO_LARGE',
  );
  const g = new OpenWireFormat({ maxFrameSizeEnabled: false, maxFrameSize: 100 });
  assert.ok(g.encode(big).length > 200);
  assert.throws(() => g.encode({ ...big, command: 'é'.repeat(40000) }), /too long/);
  assert.throws(() => g.encode({ type: 77 } as never), /cannot encode type 77/);
  const v11 = new OpenWireFormat({ version: 11 });
  assert.throws(
    () =>
      v11.encode({
        type: T.BROKER_SUBSCRIPTION_INFO,
        commandId: 0,
        responseRequired: false,
        brokerId: null,
        brokerName: null,
        subscriptionInfos: null,
      }),
    /version 11/,
  );
});

test('a frame that fails to encode leaves the marshal cache as it was', () => {
  for (const tight of [true, false]) {
    const enc = new OpenWireFormat({ maxFrameSize: 200, tightEncodingEnabled: tight });
    enc.negotiate({ ...enc.preferred });
    const dec = new OpenWireFormat({ maxFrameSize: 200, tightEncodingEnabled: tight });
    dec.negotiate({ ...dec.preferred });
    const info = (clientId: string) =>
      ({
        type: T.CONNECTION_INFO,
        commandId: 1,
        responseRequired: true,
        connectionId: { type: T.CONNECTION_ID, value: 'ID:conn-1' },
        clientId,
        password: null,
        userName: null,
        brokerPath: null,
        brokerMasterConnector: false,
        manageable: false,
        clientMaster: false,
        faultTolerant: false,
        failoverReconnect: false,
        clientIp: null,
      }) as const;
    // The connection id (a cached field, before clientId) would enter the cache, but neither frame is sent.
    assert.throws(() => enc.encode(info('x'.repeat(300))), /exceeds the maximum/);
    assert.throws(() => enc.encode(info('é'.repeat(40000))), /too long/);
    // So the next frame must carry it in full again, and the peer can decode it.
    dec.push(enc.encode(info('fine')));
    const got = dec.next() as { connectionId: unknown; clientId: string };
    assert.deepEqual(got.connectionId, { type: T.CONNECTION_ID, value: 'ID:conn-1' });
    assert.equal(got.clientId, 'fine');
  }
});
