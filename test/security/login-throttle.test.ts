import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, test } from 'node:test';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { groupSet } from '../../src/security/authorization-map.js';
import { LoginThrottle } from '../../src/security/login-throttle.js';
import { defaultPasswordVerifier } from '../../src/security/password.js';
import { SimpleAuthenticationBroker } from '../../src/security/simple-authentication-broker.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { ManualClock } from '../../src/util/clock.js';
import { waitFor } from '../stomp/helpers.js';

/**
 * The login throttle through real STOMP connections (issues 12.2 and 18.3). The throttle runs on a manual clock,
 * so a login that the throttle holds stays unanswered until the test moves the clock: every assertion is about
 * what is answered before that, never about how long something took. Sources are rotated with loopback
 * addresses (127.0.0.x), which Linux accepts as local addresses.
 */

let clock: ManualClock;
let throttle: LoginThrottle;
let service: BrokerService;
let port: number;
const sockets: Socket[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  throttle = new LoginThrottle(clock);
  service = new BrokerService({
    brokerName: 'throttle-it',
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} }],
    plugins: [
      (next) =>
        new SimpleAuthenticationBroker(next, {
          users: [
            { username: 'admin', password: 'right', groups: groupSet('admins') },
            { username: 'guest', password: 'password', groups: groupSet('guests') },
            { username: 'user', password: 'password', groups: groupSet('users') },
          ],
          verifier: defaultPasswordVerifier,
          throttle,
        }),
    ],
  });
  await service.start();
  port = service.connector('stomp').port;
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await service.stop();
});

/** A STOMP CONNECT from `source`; `answer()` is what the broker has said so far. */
function login(user: string, passcode: string, source = '127.0.0.1') {
  let text = '';
  const socket = connect({ port, host: '127.0.0.1', localAddress: source }, () =>
    socket.write(`CONNECT\naccept-version:1.2\nhost:localhost\nlogin:${user}\npasscode:${passcode}\n\n\0`),
  );
  sockets.push(socket);
  socket.on('data', (d) => (text += d.toString('utf8')));
  socket.on('error', () => {});
  return {
    answer: (): 'none' | 'CONNECTED' | 'ERROR' =>
      text.startsWith('CONNECTED') ? 'CONNECTED' : text.startsWith('ERROR') ? 'ERROR' : 'none',
  };
}

type Login = ReturnType<typeof login>;
const answered = (l: Login) => l.answer() !== 'none';

/** Moves the manual clock until `l` is answered (a held failure is answered after its delay). */
async function drive(l: Login): Promise<void> {
  await waitFor(() => {
    if (!answered(l)) clock.advance(1_000);
    return answered(l);
  }, 'an answer');
}

test('after seven failures the right password is answered at once', async () => {
  for (let i = 0; i < 7; i++) {
    const typo = login('admin', `typo${i}`);
    await drive(typo);
    assert.equal(typo.answer(), 'ERROR');
  }
  const right = login('admin', 'right');
  await waitFor(() => answered(right), 'the right password answered without the clock moving');
  assert.equal(right.answer(), 'CONNECTED');
});

test('50 parallel guesses at admin from a host do not hold up another user from that host', async () => {
  const guesses = Array.from({ length: 50 }, (_, i) => login('admin', `guess${i}`));
  // The guesses the throttle lets through are checked at once; wait until all the others have been answered.
  await waitFor(() => guesses.filter(answered).length + throttle.waiting === 50, 'the guesses sorted');
  const other = login('user', 'password');
  await waitFor(() => answered(other), 'the other user answered without the clock moving');
  assert.equal(other.answer(), 'CONNECTED');
});

test('a guest login between guesses does not reset the count for admin (issue 18.3)', async () => {
  let held = 0;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 3; i++) {
      const guess = login('admin', `guess${round}-${i}`);
      await waitFor(() => answered(guess) || throttle.waiting > held, 'the guess answered or held');
      if (!answered(guess)) held++;
    }
    const guest = login('guest', 'password');
    await waitFor(() => answered(guest), 'the guest answered');
    assert.equal(guest.answer(), 'CONNECTED');
  }
  // Three free failures; every later guess waits, guest logins in between or not (at most three at a time).
  assert.equal(held, 3);
});

test('rotating the source address does not multiply the guessing rate', async () => {
  const guesses: Login[] = [];
  for (let i = 0; i < 50; i++) {
    const guess = login('admin', `guess${i}`, `127.0.0.${10 + i}`);
    guesses.push(guess);
    await waitFor(() => answered(guess) || throttle.waiting > 0, 'the guess answered or held');
  }
  await waitFor(() => guesses.filter(answered).length + throttle.waiting === 50, 'the guesses sorted');
  // Ten free failures for admin across sources, then four at a time wait; the rest are refused unchecked.
  assert.equal(throttle.waiting, 4);
  assert.ok(guesses.filter(answered).every((g) => g.answer() === 'ERROR'));
});
