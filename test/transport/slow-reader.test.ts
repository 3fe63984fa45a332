/**
 * Issue 12.4 through the real STOMP protocol: a client that floods SEND frames asking for receipts and never
 * reads its socket. The broker stops reading from it once its output backs up, cuts it when the output is not
 * read within transport.soWriteTimeout (logged at WARN with the remote address), keeps its own memory
 * bounded, and serves other clients meanwhile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { brokerXml } from '../tls/cli.js';
import { reader, startXmlBroker, stompConnect, waitFor, type TestBroker } from '../tls/broker.js';

let broker: TestBroker;

before(async () => {
  const uri = 'stomp://127.0.0.1:0?transport.soWriteTimeout=1000&amp;transport.maxPendingWriteBytes=4194304';
  broker = await startXmlBroker(
    brokerXml(`<transportConnectors><transportConnector name="stomp" uri="${uri}"/></transportConnectors>`),
  );
});

after(() => broker.stop());

/** Writes `frame` as fast as the socket takes it (honouring its backpressure) until it closes or `limit`. */
async function flood(socket: Socket, frame: Buffer, limit: number): Promise<number> {
  let sent = 0;
  let closed = false;
  socket.once('close', () => (closed = true));
  while (!closed && sent < limit) {
    sent += frame.length;
    if (!socket.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.once('drain', done);
        socket.once('close', done);
      });
    }
  }
  return sent;
}

test('a client that sends with receipts but never reads is paused, then cut; others keep working', async () => {
  const port = broker.port('stomp');
  const greedy = connect(port, '127.0.0.1');
  greedy.on('error', () => {});
  const greedyReader = reader(greedy);
  greedy.write(stompConnect);
  await greedyReader.until(/CONNECTED/);
  // From here on it never reads: every RECEIPT (about 2 KB each, for the long receipt id) stays unread.
  greedy.pause();
  const frame = Buffer.from(`SEND\ndestination:/topic/void\nreceipt:${'r'.repeat(2000)}\n\nx\0`);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const flooding = flood(greedy, frame, 1024 * 1024 * 1024);

  // While the greedy client is stuck, a well-behaved one is served.
  const other = connect(port, '127.0.0.1');
  const otherReader = reader(other);
  other.write(`${stompConnect}SEND\ndestination:/topic/ok\nreceipt:fine\n\nhello\0`);
  await otherReader.until(/receipt-id:fine/);
  other.destroy();

  await waitFor(
    () => broker.logs.some((l) => l.includes('Closing connection of a client that does not read')),
    'the greedy client cut',
    20_000,
  );
  const sent = await flooding;
  clearInterval(sampler);
  greedy.destroy();
  const line = broker.logs.find((l) => l.includes('Closing connection of a client that does not read'))!;
  assert.match(line, /WARN/);
  assert.match(line, /127\.0\.0\.1:\d+/);
  await waitFor(() => broker.service.connector('stomp').connectionCount === 0, 'released');
  // It could push far less than the 1 GiB it tried: the broker stopped reading once answers backed up.
  assert.ok(sent < 256 * 1024 * 1024, `client pushed ${sent} bytes`);
  const growth = rssPeak - rssBefore;
  assert.ok(growth < 256 * 1024 * 1024, `RSS grew by ${growth} bytes`);
  console.log(`# slow-reader: client pushed ${sent} bytes before the cut; RSS growth ${growth} bytes; ${line}`);
});
