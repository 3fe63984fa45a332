/**
 * Measures the login throttle against the attacks of issues 12.2 and 18.3, through real STOMP connections on the
 * real clock (figures for docs/security.md; not a test):
 *
 *   npm run build && node dist/test/security/guess-rate.js [seconds per scenario, default 10]
 *
 * - rotating: 50 parallel connections guess admin's password, each from its own 127.0.0.x address;
 * - interleaved: three guesses at admin, then one correct guest login, in a loop (issue 18.3);
 * - flood: 50 parallel guessers from 127.0.0.1; how long a correct login of another user, and of admin itself
 *   after seven failures, takes from that host.
 * "checked" counts the password comparisons the broker made for admin: the guesses that could have succeeded.
 */
import { connect } from 'node:net';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { groupSet } from '../../src/security/authorization-map.js';
import { LoginThrottle } from '../../src/security/login-throttle.js';
import type { PasswordVerifier } from '../../src/security/password.js';
import { SimpleAuthenticationBroker } from '../../src/security/simple-authentication-broker.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { systemClock } from '../../src/util/clock.js';

const seconds = Number(process.argv[2] ?? 10);

async function broker() {
  let checked = 0;
  const verifier: PasswordVerifier = {
    verify: (given, stored) => {
      if (stored === 'right') checked++;
      return Promise.resolve(given === stored);
    },
  };
  const service = new BrokerService({
    brokerName: 'guess-rate',
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} }],
    plugins: [
      (next) =>
        new SimpleAuthenticationBroker(next, {
          users: [
            { username: 'admin', password: 'right', groups: groupSet('admins') },
            { username: 'guest', password: 'password', groups: groupSet('guests') },
            { username: 'user', password: 'password', groups: groupSet('users') },
          ],
          verifier,
          throttle: new LoginThrottle(systemClock),
        }),
    ],
  });
  await service.start();
  return { service, port: service.connector('stomp').port, checked: () => checked };
}

/** One STOMP login; resolves with the first frame's command once the broker answers (or closes). */
function login(port: number, user: string, passcode: string, source = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ port, host: '127.0.0.1', localAddress: source }, () =>
      socket.write(`CONNECT\naccept-version:1.2\nhost:localhost\nlogin:${user}\npasscode:${passcode}\n\n\0`),
    );
    const done = (what: string) => {
      socket.destroy();
      resolve(what);
    };
    socket.on('data', (d) => {
      text += d.toString('utf8');
      if (text.includes('\0')) done(text.slice(0, text.indexOf('\n')));
    });
    socket.on('error', () => done('error'));
    socket.on('close', () => done(text.length > 0 ? text.slice(0, text.indexOf('\n')) : 'closed'));
  });
}

async function rotating(): Promise<string> {
  const b = await broker();
  const end = Date.now() + seconds * 1000;
  let attempts = 0;
  let next = 0;
  const worker = async () => {
    while (Date.now() < end) {
      attempts++;
      await login(
        b.port,
        'admin',
        `guess${attempts}`,
        `127.0.${1 + (next % 250)}.${1 + (Math.floor(next++ / 250) % 250)}`,
      );
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  await b.service.stop();
  return `rotating sources: ${attempts} attempts, ${b.checked()} checked = ${(b.checked() / seconds).toFixed(2)} guesses/s`;
}

async function interleaved(): Promise<string> {
  const b = await broker();
  const end = Date.now() + seconds * 1000;
  let guestOk = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 3; i++) await login(b.port, 'admin', `guess${i}`);
    if ((await login(b.port, 'guest', 'password')) === 'CONNECTED') guestOk++;
  }
  await b.service.stop();
  return `interleaved with guest logins: ${b.checked()} checked = ${(b.checked() / seconds).toFixed(2)} guesses/s (${guestOk} guest logins)`;
}

async function flood(): Promise<string> {
  const b = await broker();
  let stop = false;
  const worker = async () => {
    for (let i = 0; !stop; i++) await login(b.port, 'admin', `guess${i}`);
  };
  const workers = Array.from({ length: 50 }, worker);
  await new Promise((r) => setTimeout(r, 2000));
  let t = Date.now();
  const other = await login(b.port, 'user', 'password');
  const otherMs = Date.now() - t;
  stop = true;
  await Promise.all(workers);
  // Seven failures in a row from one host (the guessers gone), then admin's right password.
  for (let i = 0; i < 7; i++) await login(b.port, 'admin', `typo${i}`, '127.0.0.2');
  t = Date.now();
  const right = await login(b.port, 'admin', 'right', '127.0.0.2');
  const rightMs = Date.now() - t;
  await b.service.stop();
  return `flood from the host: other user ${other} in ${otherMs} ms; admin after 7 failures ${right} in ${rightMs} ms`;
}

for (const scenario of [rotating, interleaved, flood]) console.log(await scenario());
