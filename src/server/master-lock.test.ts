import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { FakeFileLayer } from '../../test/support/store/journal/fake-file-layer.js';
import { stompProtocol } from '../protocol/stomp/stomp-module.js';
import { JournalPersistenceAdapter } from '../store/journal/journal-persistence-adapter.js';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { BrokerService } from './broker-service.js';
import { StoppedWhileSlaveError } from './master-lock.js';

/** Two BrokerServices in one process on one (fake) journal directory: master/slave without processes. */
function pair(
  t: TestContext,
  fs: FakeFileLayer,
  clock: ManualClock,
  lines: string[],
  onLockLost?: () => void,
): BrokerService {
  const logger = Logger.create({ format: 'text', level: 'info', write: (l) => lines.push(l) });
  const store = new JournalPersistenceAdapter({
    directory: '/kaha',
    fileLayer: fs,
    clock,
    logger,
    locker: { lockAcquireSleepInterval: 100 },
  });
  const service = new BrokerService({
    brokerName: 'ms',
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0 }],
    store,
    clock,
    lockKeepAlivePeriod: 1000,
    logger,
    ...(onLockLost ? { onLockLost } : {}),
  });
  // Whatever a test leaves running (a slave still waiting keeps the process alive) is stopped at its end.
  t.after(() => service.stop());
  return service;
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Whether a connector was ever bound (its port stays 0 until it listens). */
function listening(s: BrokerService): boolean {
  return s.connectors.some((c) => c.port > 0);
}

describe('BrokerService master/slave start', () => {
  it('a slave opens no connector until the master stops, then becomes master', async (t) => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const masterLines: string[] = [];
    const master = pair(t, fs, clock, masterLines);
    await master.start();
    assert.ok(masterLines.some((l) => l.includes('Broker ms is now the master')));
    const slaveLines: string[] = [];
    const slave = pair(t, fs, clock, slaveLines);
    let started = false;
    const starting = slave.start().then(() => (started = true));
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.advance(100);
    }
    assert.equal(started, false);
    assert.equal(listening(slave), false, 'no connector open while a slave');
    assert.ok(slaveLines.some((l) => l.includes('This broker is now in slave mode waiting a lock to be acquired')));
    await master.stop();
    for (let i = 0; i < 5 && !started; i++) {
      clock.advance(100);
      await settle();
    }
    await starting;
    assert.equal(listening(slave), true);
    await slave.stop();
  });

  it('stop() ends a waiting slave with StoppedWhileSlaveError', async (t) => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const master = pair(t, fs, clock, []);
    await master.start();
    const slave = pair(t, fs, clock, []);
    const starting = slave.start();
    await settle();
    await slave.stop();
    await assert.rejects(starting, StoppedWhileSlaveError);
    await master.stop();
  });

  it('a lost lock stops the master and tells its owner, with ActiveMQ’s error', async (t) => {
    const fs = new FakeFileLayer();
    const clock = new ManualClock();
    const lines: string[] = [];
    let lost = false;
    const master = pair(t, fs, clock, lines, () => (lost = true));
    await master.start();
    const port = master.connectors[0]!.port;
    fs.revokeLock('/kaha/lock');
    clock.advance(1000);
    for (let i = 0; i < 50 && !lost; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(lost, true);
    assert.ok(
      lines.some((l) => l.includes('ms, no longer able to keep the exclusive lock so giving up being a master')),
    );
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    assert.equal(refused, true, 'the connector is closed');
  });
});
