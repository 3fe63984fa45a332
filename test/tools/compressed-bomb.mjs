#!/usr/bin/env node
// Issue 12.5's measurement: ten OpenWire bytes messages of ~97 KB that inflate to 100 MB each, sent to a queue a
// STOMP subscriber reads; prints how many were refused and the process's RSS before and at its peak.
//   npm run build && node test/tools/compressed-bomb.mjs [maxFrameSize]
import { deflateSync } from 'node:zlib';
const root = new URL('../../dist', import.meta.url).pathname;
const { BrokerService } = await import(`${root}/src/server/broker-service.js`);
const { openWireProtocol } = await import(`${root}/src/protocol/openwire/openwire-module.js`);
const { stompProtocol } = await import(`${root}/src/protocol/stomp/index.js`);
const { RawProducer } = await import(`${root}/test/openwire/raw-producer.js`);
const { waitFor } = await import(`${root}/test/stomp/helpers.js`);
const maxFrameSize = Number(process.argv[2] ?? 104857600);
const service = new BrokerService({
  brokerName: 'bomb',
  connectors: [
    { name: 'ow', scheme: 'tcp', protocol: openWireProtocol, host: '127.0.0.1', port: 0, options: { maxFrameSize } },
    { name: 'st', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} },
  ],
});
await service.start();
const plain = Buffer.alloc(100_000_000);
const z = deflateSync(plain);
const body = Buffer.alloc(4 + z.length);
body.writeInt32BE(plain.length, 0);
z.copy(body, 4);
global.gc?.();
const before = process.memoryUsage().rss;
const { connect } = await import('node:net');
let received = 0;
const s = connect(service.connector('st').port, '127.0.0.1');
s.on('data', (c) => (received += c.length));
s.write('CONNECT\naccept-version:1.2\nhost:x\n\n\0');
s.write('SUBSCRIBE\nid:1\ndestination:/queue/bomb\n\n\0');
const p = await RawProducer.open(service.connector('ow').port);
let refused = 0,
  maxRss = 0;
const timer = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 5);
for (let i = 0; i < 10; i++) {
  const r = await p.send(p.message('bomb', { content: body, compressed: true }));
  if (r.exception) {
    refused++;
    if (i === 0) console.log(r.exception.message);
  }
}
await waitFor(() => received >= (10 - refused) * 100_000_000, 'deliveries', 120000);
clearInterval(timer);
console.log(
  `maxFrameSize=${maxFrameSize} body=${body.length} B compressed; refused=${refused} received=${(received / 1e6).toFixed(0)} MB rss before=${(before / 2 ** 20).toFixed(0)} MiB max during=${(maxRss / 2 ** 20).toFixed(0)} MiB`,
);
p.destroy();
s.destroy();
await service.stop();
process.exit(0);
