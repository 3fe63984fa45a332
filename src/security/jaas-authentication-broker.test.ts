import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { repoPath } from '../../test/support/repo.js';
import { RegionBroker } from '../broker/region/region-broker.js';
import type { ConnectionContext } from '../broker/broker.js';
import { parseProperties } from '../config/properties-file.js';
import { Destination } from '../model/destination.js';
import { Message } from '../model/message.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import { ManualClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { JaasAuthenticationBroker } from './jaas-authentication-broker.js';
import { JaasLogin } from './jaas/jaas-login.js';
import { parseLoginConfig } from './jaas/login-config.js';
import { PropertiesFiles } from './jaas/properties-files.js';
import { defaultPasswordVerifier } from './password.js';
import { UserIdBroker } from './user-id-broker.js';

const cert = new X509Certificate(readFileSync(repoPath('test/security/fixtures/client.pem'))).raw;

const files: Record<string, string> = {
  '/c/users.properties': 'user=password\n',
  '/c/groups.properties': 'users=user,client\n',
  '/c/dn.properties': 'client=CN=client, O="Acme, Inc.", C=US\n',
};
const LOGIN = `activemq { org.apache.activemq.jaas.PropertiesLoginModule required
  org.apache.activemq.jaas.properties.user="users.properties" org.apache.activemq.jaas.properties.group="groups.properties"; };
activemq-ssl { org.apache.activemq.jaas.TextFileCertificateLoginModule required
  org.apache.activemq.jaas.textfiledn.user="dn.properties" org.apache.activemq.jaas.textfiledn.group="groups.properties"; };`;

function logins() {
  const io = {
    read: (f: string) =>
      files[f] ??
      (() => {
        throw new Error('no such file');
      })(),
    mtime: () => 1,
    parseProperties,
    masterPassword: undefined,
  };
  const ctx = { files: new PropertiesFiles(io), verifier: defaultPasswordVerifier, configDir: '/c' };
  const config = parseLoginConfig(LOGIN, '/c/login.config');
  return {
    password: new JaasLogin(config, 'activemq', ctx, 'l'),
    certificate: new JaasLogin(config, 'activemq-ssl', ctx, 'l'),
  };
}

let n = 0;
function ctx(
  userName: string | null,
  password: string | null,
  remote = '10.0.0.1:1000',
  peerCertificates: Uint8Array[] = [],
): ConnectionContext {
  return {
    info: {
      connectionId: `c${++n}`,
      clientId: null,
      userName,
      password,
      remoteAddress: remote,
      protocol: 'test',
      peerCertificates,
    },
    security: null,
    control: { close: () => {} },
  };
}

function region(clock = new ManualClock()) {
  return new RegionBroker({ store: new MemoryPersistenceAdapter(), clock });
}

test('JAAS password login: groups from the files, ActiveMQ’s text on failure, failures logged with the address', async () => {
  const lines: string[] = [];
  const logger = Logger.create({ format: 'json', level: 'warn', write: (l) => lines.push(l) });
  const { password } = logins();
  const b = new JaasAuthenticationBroker(region(), { password, certificate: null, logger });
  const ok = ctx('user', 'password');
  await b.addConnection(ok);
  assert.deepEqual([...ok.security!.groups], ['users']);
  assert.equal(ok.security!.userName, 'user');
  await assert.rejects(b.addConnection(ctx('user', 'nope', '192.0.2.7:4242')), {
    message: 'User name [user] or password is invalid.',
  });
  await assert.rejects(b.addConnection(ctx(null, null)), { message: 'User name [null] or password is invalid.' });
  assert.match(lines[0]!, /Authentication failed/);
  assert.match(lines[0]!, /192\.0\.2\.7:4242/);
  assert.match(lines[0]!, /Password does not match/);
});

test('certificate and dual logins: DN as the user name, ActiveMQ’s texts', async () => {
  const { password, certificate } = logins();
  const certOnly = new JaasAuthenticationBroker(region(), { password: null, certificate });
  const c = ctx(null, null, '10.0.0.1:1', [cert]);
  await certOnly.addConnection(c);
  assert.equal(c.security!.userName, 'CN=client, O="Acme, Inc.", C=US');
  assert.deepEqual([...c.security!.groups], ['users']);
  await assert.rejects(certOnly.addConnection(ctx('user', 'password')), {
    message: 'Unable to authenticate transport without SSL certificate.',
  });
  const other = new X509Certificate(readFileSync(repoPath('test/security/fixtures/other.pem'))).raw;
  await assert.rejects(certOnly.addConnection(ctx('x', null, '10.0.0.1:1', [other])), {
    message: 'User name [x] or password is invalid. No user for client certificate: CN=other, O="Acme, Inc.", C=US',
  });
  const dual = new JaasAuthenticationBroker(region(), { password, certificate });
  const viaCert = ctx(null, null, '10.0.0.1:1', [cert]);
  const viaPassword = ctx('user', 'password');
  await dual.addConnection(viaCert);
  await dual.addConnection(viaPassword);
  assert.equal(viaCert.security!.userName, 'CN=client, O="Acme, Inc.", C=US');
  assert.equal(viaPassword.security!.userName, 'user');
  // Over TLS the dual plugin insists on a certificate, even when the client also offers a password.
  const tlsNoCert = ctx('user', 'password');
  const secured = { ...tlsNoCert, info: { ...tlsNoCert.info, secure: true } };
  await assert.rejects(dual.addConnection(secured), {
    message: 'Unable to authenticate transport without SSL certificate.',
  });
});

test('populateJMSXUserID: the login name replaces what the client sent; the principal with useAuthenticatedPrincipal', async () => {
  const { certificate } = logins();
  const sent: (string | null)[] = [];
  const inner = region();
  const spy = Object.assign(Object.create(inner) as RegionBroker, {
    send: (_c: ConnectionContext, m: Message) => {
      sent.push(m.userId);
      return Promise.resolve();
    },
  });
  const msg = () =>
    Object.assign(new Message(), { messageId: `ID:x-${++n}`, destination: Destination.queue('Q'), userId: 'spoofed' });
  const plain = new UserIdBroker(spy, false);
  const principal = new UserIdBroker(spy, true);
  const c = ctx('claimed', null, '10.0.0.1:1', [cert]);
  await new JaasAuthenticationBroker(region(), { password: null, certificate }).addConnection(c);
  await plain.send(c, msg(), null);
  await principal.send(c, msg(), null);
  const anon = ctx(null, null);
  await plain.send(anon, msg(), null);
  assert.deepEqual(sent, ['claimed', 'client', null]);
});
