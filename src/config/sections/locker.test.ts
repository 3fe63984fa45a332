import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatWarning } from '../config-error.js';
import { loadBrokerConfigText } from '../load-config.js';

const FILE = '/cfg/conf/activemq.xml';
const load = (inner: string) =>
  loadBrokerConfigText(`<broker xmlns="http://activemq.apache.org/schema/core">\n${inner}\n</broker>`, FILE, {
    env: {},
    cwd: '/work',
  });

test('kahaDB lockKeepAlivePeriod and <locker><shared-file-locker> are read, with ActiveMQ defaults', () => {
  const { config, warnings } = load(`<persistenceAdapter>
  <kahaDB directory="/shared/kahadb" lockKeepAlivePeriod="2000">
    <locker><shared-file-locker lockAcquireSleepInterval="1500" failIfLocked="true" name="m1"/></locker>
  </kahaDB>
</persistenceAdapter>`);
  const k = config.persistenceAdapter;
  assert.ok(k.type === 'kahaDB');
  assert.equal(k.lockKeepAlivePeriod, 2000);
  assert.deepEqual(k.locker, { type: 'shared-file-locker', lockAcquireSleepInterval: 1500, failIfLocked: true });
  assert.deepEqual(warnings, []);
  const plain = load('<persistenceAdapter><kahaDB/></persistenceAdapter>').config.persistenceAdapter;
  assert.ok(plain.type === 'kahaDB');
  assert.equal(plain.lockKeepAlivePeriod, 5000);
  assert.deepEqual(plain.locker, { type: 'shared-file-locker', lockAcquireSleepInterval: 10_000, failIfLocked: false });
});

test('a database locker on kahaDB, a bad interval or a negative keep-alive fail at their file:line:col', () => {
  assert.throws(
    () => load('<persistenceAdapter><kahaDB><locker><lease-database-locker/></locker></kahaDB></persistenceAdapter>'),
    /activemq\.xml:2:\d+: <lease-database-locker> cannot lock a kahaDB store in TideMQ; use <shared-file-locker\/>/,
  );
  assert.throws(
    () =>
      load(
        '<persistenceAdapter><kahaDB><locker><shared-file-locker lockAcquireSleepInterval="0"/></locker></kahaDB></persistenceAdapter>',
      ),
    /lockAcquireSleepInterval must be above 0; found 0/,
  );
  assert.throws(
    () => load('<persistenceAdapter><kahaDB lockKeepAlivePeriod="-1"/></persistenceAdapter>'),
    /lockKeepAlivePeriod must be 0 \(no checks\) or more; found -1/,
  );
});

test('the directory of a shared-file-locker is reported: the lock is always in the store directory', () => {
  const { warnings } = load(
    '<persistenceAdapter><kahaDB><locker><shared-file-locker directory="/elsewhere"/></locker></kahaDB></persistenceAdapter>',
  );
  assert.equal(warnings.length, 1);
  assert.match(formatWarning(warnings[0]!), /attribute directory of <shared-file-locker> has no effect/);
});
