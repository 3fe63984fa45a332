import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionContext } from '../broker/broker.js';
import { RegionBroker } from '../broker/region/region-broker.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { groupSet } from './authorization-map.js';
import { LoginThrottle, sourceOf, type LoginThrottleOptions } from './login-throttle.js';
import type { PasswordVerifier } from './password.js';
import { SimpleAuthenticationBroker } from './simple-authentication-broker.js';

/**
 * The login throttle (issues 12.2 and 18.3), driven through an authentication plugin with a manual clock: nothing
 * here depends on how fast the machine is. An attempt that is still waiting is seen as unsettled.
 */

let n = 0;
function ctx(userName: string | null, password: string | null, remote: string): ConnectionContext {
  return {
    info: { connectionId: `c${++n}`, clientId: null, userName, password, remoteAddress: remote, protocol: 'test' },
    security: null,
    control: { close: () => {} },
  };
}

function setup(options: Partial<LoginThrottleOptions> = {}) {
  const clock = new ManualClock();
  const lines: string[] = [];
  const logger = Logger.create({ write: (l) => lines.push(l), format: 'json' });
  const throttle = new LoginThrottle(clock, options, logger);
  let checks = 0;
  const verifier: PasswordVerifier = {
    verify: (given, stored) => {
      checks++;
      return Promise.resolve(given === stored);
    },
  };
  const region = new RegionBroker({ store: new MemoryPersistenceAdapter(), clock });
  const broker = new SimpleAuthenticationBroker(region, {
    users: [
      { username: 'admin', password: 'right', groups: groupSet('admins') },
      { username: 'guest', password: 'password', groups: groupSet('guests') },
      { username: 'user', password: 'password', groups: groupSet('users') },
    ],
    verifier,
    throttle,
    logger,
  });
  /** Starts a login; `state()` says whether it has been answered yet. */
  const login = (user: string, password: string, remote: string) => {
    let outcome: 'pending' | 'ok' | 'refused' = 'pending';
    const done = broker.addConnection(ctx(user, password, remote)).then(
      () => (outcome = 'ok'),
      () => (outcome = 'refused'),
    );
    return { state: () => outcome, done };
  };
  const settle = () => new Promise((r) => setImmediate(r));
  return { clock, throttle, login, settle, lines, checks: () => checks };
}

test('a correct password is answered at once, also after failures and during a guessing flood from its host', async () => {
  const { login, settle, clock } = setup();
  // Seven failures in a row from one host, then the right password (a user typing it wrong at first).
  for (let i = 0; i < 7; i++) {
    const typo = login('admin', `typo${i}`, '10.0.0.1:1');
    await settle();
    clock.advance(10_000);
    await typo.done;
  }
  const right = login('admin', 'right', '10.0.0.1:2');
  await settle();
  assert.equal(right.state(), 'ok');
  // 50 parallel guesses at admin from a shared host do not hold up another user's login from it.
  for (let i = 0; i < 50; i++) void login('admin', `guess${i}`, '10.0.0.2:1');
  await settle();
  const other = login('user', 'password', '10.0.0.2:99');
  await settle();
  assert.equal(other.state(), 'ok');
});

test('failed attempts wait, and a guesser cannot have more than a few in progress', async () => {
  const { login, settle, clock, checks } = setup();
  const attempts = Array.from({ length: 3 }, (_, i) => login('admin', `guess${i}`, '10.0.0.3:1'));
  await settle();
  assert.deepEqual(
    attempts.map((a) => a.state()),
    ['refused', 'refused', 'refused'],
    'three free failures',
  );
  const slow = Array.from({ length: 10 }, (_, i) => login('admin', `guess${i}`, '10.0.0.3:1'));
  await settle();
  // Three are checked and wait for their answer; the others are refused without checking the password.
  assert.equal(slow.filter((a) => a.state() === 'pending').length, 3);
  assert.equal(checks(), 3 + 3);
  clock.advance(5_000);
  await settle();
  assert.ok(slow.every((a) => a.state() === 'refused'));
});

test('a success for one user does not clear the failures of another (issue 18.3)', async () => {
  const { login, settle, clock } = setup();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3; i++) {
      const a = login('admin', `guess${round}-${i}`, '10.0.0.4:1');
      await settle();
      if (round === 0) assert.equal(a.state(), 'refused', 'the first three are free');
      else assert.equal(a.state(), 'pending', 'later guesses wait, guest logins in between or not');
    }
    const guest = login('guest', 'password', '10.0.0.4:2');
    await settle();
    assert.equal(guest.state(), 'ok');
    // Let the waiting guesses be answered before the next round, so none is refused for being one too many.
    clock.advance(60_000);
    await settle();
  }
});

test('a legitimate client’s success does not reset a guesser on its host while a guess is in progress', async () => {
  const { login, settle, clock } = setup();
  for (let i = 0; i < 3; i++) {
    void login('admin', `guess${i}`, '10.0.0.6:1');
    await settle();
  }
  const held = login('admin', 'guess3', '10.0.0.6:1');
  await settle();
  assert.equal(held.state(), 'pending');
  const app = login('admin', 'right', '10.0.0.6:2');
  await settle();
  assert.equal(app.state(), 'ok');
  const next = login('admin', 'guess4', '10.0.0.6:1');
  await settle();
  assert.equal(next.state(), 'pending', 'the count was not reset');
  clock.advance(60_000);
  await settle();
  // With nothing else in progress, a success clears the record (a user who mistyped is not punished later).
  const again = login('admin', 'right', '10.0.0.6:3');
  await settle();
  assert.equal(again.state(), 'ok');
  const typo = login('admin', 'typo', '10.0.0.6:1');
  await settle();
  assert.equal(typo.state(), 'refused');
});

test('rotating the source address does not bypass the throttle', async () => {
  const { login, settle, checks, lines } = setup();
  const attempts = [];
  for (let i = 0; i < 200; i++) {
    attempts.push(login('admin', `guess${i}`, `198.51.100.${i % 250}:${1000 + i}`));
    await settle();
  }
  // Ten free failures for the user across sources, then at most four in progress at once.
  assert.equal(checks(), 10 + 4);
  assert.equal(attempts.filter((a) => a.state() === 'pending').length, 4);
  const throttled = lines.filter((l) => l.includes('Login throttled'));
  assert.ok(throttled.length >= 1 && throttled.length <= 3, 'the lock-out is logged once, not per attempt');
});

test('a source the user logged in from is not held back by guessing elsewhere', async () => {
  const { login, settle, clock } = setup();
  const home = login('admin', 'right', '10.0.0.5:1');
  await settle();
  assert.equal(home.state(), 'ok');
  for (let i = 0; i < 50; i++) {
    void login('admin', `guess${i}`, `203.0.113.${i}:1`);
    await settle();
  }
  const again = login('admin', 'right', '10.0.0.5:2');
  await settle();
  assert.equal(again.state(), 'ok', 'the trusted source is answered at once');
  // A source the user has not logged in from shares the user's cap with the guesser until its attempts end.
  const fresh = login('admin', 'right', '192.0.2.200:1');
  await settle();
  assert.equal(fresh.state(), 'refused');
  clock.advance(10_000);
  await settle();
  const later = login('admin', 'right', '192.0.2.200:2');
  await settle();
  assert.equal(later.state(), 'ok');
});

test('the tables and the attempts in progress stay bounded', async () => {
  const { login, settle, throttle } = setup({ maxTracked: 100, maxPending: 20, freeFailures: 0, freeUserFailures: 0 });
  for (let i = 0; i < 1000; i++) void login(`nobody${i}`, 'x', `192.0.2.${i % 250}:${i}`);
  await settle();
  assert.ok(throttle.inProgress <= 20, `in progress: ${throttle.inProgress}`);
  assert.ok(throttle.trackedEntries <= 3 * 100, `tracked: ${throttle.trackedEntries}`);
});

test('sources: IPv4-mapped IPv6 is IPv4, IPv6 counts per /64', () => {
  assert.equal(sourceOf('::ffff:10.0.0.1:5544'), '10.0.0.1');
  assert.equal(sourceOf('10.0.0.1:5544'), '10.0.0.1');
  assert.equal(sourceOf('2001:db8:1:2:aaaa::1:5544'), '2001:db8:1:2::/64');
  assert.equal(sourceOf('2001:db8:1:2:bbbb:cccc:dddd:eeee:1'), '2001:db8:1:2::/64');
  assert.equal(sourceOf('::1:5544'), '0:0:0:0::/64');
});
