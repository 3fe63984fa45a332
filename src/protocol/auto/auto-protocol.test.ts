import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProtocolModule } from '../protocol.js';
import { defaultProtocolOptions } from '../protocol.js';
import { detectOpenWire } from '../openwire/openwire-module.js';
import { detectStomp } from '../stomp/stomp-module.js';
import { ManualClock } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import type { Transport } from '../../transport/transport.js';
import { autoProtocol } from './auto-protocol.js';

/** An in-memory transport: the test pushes bytes in and sees what the protocol received and whether it closed. */
class FakeTransport implements Transport {
  readonly remoteAddress = '127.0.0.1:1';
  readonly scheme = 'auto';
  readonly peerCertificates: readonly Uint8Array[] = [];
  readonly secure = false;
  readonly writable = true;
  readonly bufferedBytes = 0;
  destroyed = false;
  private data: ((c: Buffer) => void)[] = [];
  private close: ((e?: Error) => void)[] = [];
  push(bytes: Buffer): void {
    for (const l of this.data) l(bytes);
  }
  write(): boolean {
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const l of this.close) l();
  }
  onData(l: (c: Buffer) => void): void {
    this.data.push(l);
  }
  onDrain(): void {}
  onClose(l: (e?: Error) => void): void {
    this.close.push(l);
  }
  pause(): void {}
  resume(): void {}
}

/** A module that records the bytes it is handed. */
function recorder(name: string, detect: (head: Uint8Array) => boolean | undefined) {
  const received: Buffer[] = [];
  const module: ProtocolModule = {
    name,
    scheme: name,
    webSocketSubprotocols: [],
    detect,
    accept(transport) {
      transport.onData((c) => received.push(c));
      return { close: async () => transport.destroy() };
    },
  };
  return { module, received: () => Buffer.concat(received) };
}

function setup(timeoutMs = 0) {
  const openwire = recorder('openwire', detectOpenWire);
  const stomp = recorder('stomp', detectStomp);
  const clock = new ManualClock();
  const logs: string[] = [];
  const auto = autoProtocol({
    candidates: [
      { module: openwire.module, options: defaultProtocolOptions },
      { module: stomp.module, options: defaultProtocolOptions },
    ],
    detectionTimeoutMs: timeoutMs,
    maxHeadBytes: 64,
  });
  const transport = new FakeTransport();
  auto.accept(transport, {
    broker: undefined as never,
    logger: Logger.create({ level: 'debug', write: (l) => logs.push(l) }),
    clock,
    options: defaultProtocolOptions,
    connectorName: 'auto',
    connectorUri: 'auto://127.0.0.1:0',
  });
  return { openwire, stomp, clock, logs, transport };
}

const stompBytes = Buffer.from('\n\nCONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/a\n\nbody\0');
// The head of an OpenWire WireFormatInfo: size, type 1, magic, then more.
const openWireBytes = Buffer.concat([Buffer.from([0, 0, 0, 0xf0, 1]), Buffer.from('ActiveMQ'), Buffer.alloc(40, 7)]);

test('every split of the first bytes reaches the right module, all bytes in order', () => {
  for (const [bytes, which] of [
    [stompBytes, 'stomp'],
    [openWireBytes, 'openwire'],
  ] as const) {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const h = setup();
      h.transport.push(bytes.subarray(0, cut));
      h.transport.push(bytes.subarray(cut));
      const chosen = which === 'stomp' ? h.stomp : h.openwire;
      const other = which === 'stomp' ? h.openwire : h.stomp;
      assert.deepEqual(chosen.received(), bytes, `${which} split at ${cut}`);
      assert.equal(other.received().length, 0);
      assert.equal(h.transport.destroyed, false);
    }
  }
});

test('bytes no module recognises close the connection with what they looked like', () => {
  const h = setup();
  h.transport.push(Buffer.from('GET / HTTP/1.1\r\n'));
  assert.equal(h.transport.destroyed, true);
  assert.match(h.logs.join('\n'), /could not detect the wire format \(starts with \\"GET \/ HTTP\/1\.1/);
});

test('an undecided head stops at the limit', () => {
  const h = setup();
  h.transport.push(Buffer.alloc(100, 0x0a)); // heart-beat EOLs forever: STOMP cannot decide
  assert.equal(h.transport.destroyed, true);
  assert.match(h.logs.join('\n'), /within the first 64 bytes/);
});

test('protocolDetectionTimeOut closes a silent client; 0 waits forever', () => {
  const h = setup(1000);
  h.transport.push(Buffer.from('\n'));
  h.clock.advance(999);
  assert.equal(h.transport.destroyed, false);
  h.clock.advance(1);
  assert.equal(h.transport.destroyed, true);
  assert.match(h.logs.join('\n'), /protocolDetectionTimeOut \(1000 ms\): 1 byte\(s\) received/);

  const forever = setup(0);
  forever.clock.advance(10 * 60_000);
  assert.equal(forever.transport.destroyed, false);
  // Detection after the connection was handed over does not time it out either.
  const detected = setup(1000);
  detected.transport.push(stompBytes);
  detected.clock.advance(5000);
  assert.equal(detected.transport.destroyed, false);
});
