import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { Destination } from '../../src/model/destination.js';
import { stompProtocol } from '../../src/protocol/stomp/index.js';
import { AuthorizationBroker } from '../../src/security/authorization-broker.js';
import { AuthorizationMap, groupSet } from '../../src/security/authorization-map.js';
import { defaultPasswordVerifier } from '../../src/security/password.js';
import { SimpleAuthenticationBroker } from '../../src/security/simple-authentication-broker.js';
import { BrokerService } from '../../src/server/broker-service.js';
import { Logger } from '../../src/util/logger.js';
import { RawStomp, waitFor } from '../stomp/helpers.js';

/**
 * Issue 12.8 through STOMP: a refused login is logged with its reason, and an authorization refusal at warn level
 * with ActiveMQ's text (TransportConnection: `Security Error occurred on connection to: <remote>, <message>`).
 */

let service: BrokerService;
let port: number;
let lines: Record<string, unknown>[];

beforeEach(async () => {
  lines = [];
  const logger = Logger.create({ format: 'json', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const map = new AuthorizationMap([
    {
      destination: Destination.queue('secret'),
      read: groupSet('admins'),
      write: groupSet('admins'),
      admin: groupSet('admins'),
    },
  ]);
  service = new BrokerService({
    brokerName: 'logs-it',
    logger,
    connectors: [{ name: 'stomp', scheme: 'stomp', protocol: stompProtocol, host: '127.0.0.1', port: 0, options: {} }],
    plugins: [
      (next) =>
        new SimpleAuthenticationBroker(next, {
          users: [{ username: 'guest', password: 'password', groups: groupSet('guests') }],
          verifier: defaultPasswordVerifier,
          logger,
        }),
      (next) => new AuthorizationBroker(next, map, logger),
    ],
  });
  await service.start();
  port = service.connector('stomp').port;
});

afterEach(() => service.stop());

const connect = (login: string, passcode: string) =>
  `CONNECT\naccept-version:1.2\nhost:localhost\nlogin:${login}\npasscode:${passcode}\n\n\0`;

test('a wrong password is logged with the reason, not reason=undefined', async () => {
  const c = await RawStomp.open(port);
  c.write(connect('guest', 'wrong'));
  assert.equal((await c.frame(0)).command, 'ERROR');
  await waitFor(() => lines.some((l) => l['msg'] === 'Authentication failed'), 'the log line');
  const line = lines.find((l) => l['msg'] === 'Authentication failed')!;
  assert.equal(line['level'], 'warn');
  assert.equal(line['user'], 'guest');
  assert.equal(line['reason'], 'Password does not match');
  c.destroy();
});

test('an authorization refusal is logged at warn level with ActiveMQ’s text', async () => {
  const c = await RawStomp.open(port);
  c.write(connect('guest', 'password'));
  assert.equal((await c.frame(0)).command, 'CONNECTED');
  c.write('SUBSCRIBE\ndestination:/queue/secret\nid:1\nreceipt:r1\n\n\0');
  const error = await c.frame(1);
  assert.equal(error.headers.get('message'), 'User guest is not authorized to read from: queue://secret');
  const warn = lines.find((l) => l['level'] === 'warn' && String(l['msg']).startsWith('Security Error'));
  assert.ok(warn !== undefined, 'the refusal is logged');
  assert.match(
    String(warn['msg']),
    /^Security Error occurred on connection to: 127\.0\.0\.1:\d+, User guest is not authorized to read from: queue:\/\/secret$/,
  );
  assert.equal(warn['user'], 'guest');
  c.destroy();
});
