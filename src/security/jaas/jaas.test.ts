import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { repoPath } from '../../../test/support/repo.js';
import { parseProperties } from '../../config/properties-file.js';
import { jasyptEncrypt } from '../../util/jasypt.js';
import { defaultPasswordVerifier, hashPassword } from '../password.js';
import { javaSubjectDn } from './distinguished-name.js';
import { JaasLogin } from './jaas-login.js';
import { parseLoginConfig } from './login-config.js';
import { LoginFailure } from './login-modules.js';
import { PropertiesFiles, type JaasFiles } from './properties-files.js';

const fixture = (name: string): Buffer => readFileSync(repoPath('test/security/fixtures', name));
const der = (name: string): Uint8Array => new X509Certificate(fixture(name)).raw;

/** An in-memory file system whose mtimes move only when a test writes. */
function memoryFiles(initial: Record<string, string>, masterPassword?: string) {
  const files = new Map<string, { text: string; mtime: number }>();
  let tick = 1;
  const write = (f: string, text: string) => files.set(f, { text, mtime: tick++ });
  for (const [f, t] of Object.entries(initial)) write(f, t);
  let reads = 0;
  const io: JaasFiles = {
    read: (f) => {
      reads++;
      const e = files.get(f);
      if (!e) throw new Error('no such file');
      return e.text;
    },
    mtime: (f) => {
      const e = files.get(f);
      if (!e) throw new Error('no such file');
      return e.mtime;
    },
    parseProperties,
    masterPassword,
  };
  return { io, write, reads: () => reads };
}

const LOGIN_CONFIG = `
// ActiveMQ's stock conf/login.config, plus a certificate entry
activemq {
    org.apache.activemq.jaas.PropertiesLoginModule required
        org.apache.activemq.jaas.properties.user="users.properties"
        org.apache.activemq.jaas.properties.group="groups.properties"
        reload=true;
};
/* certificates */
activemq-ssl { org.apache.activemq.jaas.TextFileCertificateLoginModule required
  org.apache.activemq.jaas.textfiledn.user="dn-users.properties" org.apache.activemq.jaas.textfiledn.group="groups.properties"; };
guests {
  org.apache.activemq.jaas.PropertiesLoginModule sufficient
    org.apache.activemq.jaas.properties.user="users.properties" org.apache.activemq.jaas.properties.group="groups.properties";
  org.apache.activemq.jaas.GuestLoginModule sufficient credentialsInvalidate=true org.apache.activemq.jaas.guest.group="anon";
};
`;

test('login.config: entries, flags, options, comments; errors name file:line', () => {
  const c = parseLoginConfig(LOGIN_CONFIG, '/c/login.config');
  assert.deepEqual([...c.keys()], ['activemq', 'activemq-ssl', 'guests']);
  const m = c.get('activemq')![0]!;
  assert.equal(m.className, 'org.apache.activemq.jaas.PropertiesLoginModule');
  assert.equal(m.flag, 'required');
  assert.equal(m.options.get('org.apache.activemq.jaas.properties.user'), 'users.properties');
  assert.equal(m.options.get('reload'), 'true');
  assert.equal(c.get('guests')![1]!.flag, 'sufficient');
  assert.equal(
    parseLoginConfig('a { X required dir="${conf}/x"; };', 'f', (n) => (n === 'conf' ? '/etc' : undefined))
      .get('a')![0]!
      .options.get('dir'),
    '/etc/x',
  );
  assert.throws(() => parseLoginConfig('a { X mandatory; };', '/c/l'), /\/c\/l:1: expected required, requisite/);
  assert.throws(
    () => parseLoginConfig('a {\n X required k="v" \n};', '/c/l'),
    /\/c\/l:3: expected an option name but found '}'/,
  );
  assert.throws(() => parseLoginConfig('a { X required; }', '/c/l'), /unexpected end of file; expected ';'/);
  assert.throws(() => parseLoginConfig('a { X required k="v; };', '/c/l'), /unterminated quoted string/);
  assert.throws(() => parseLoginConfig('a { X required k="${nope}"; };', '/c/l'), /unresolved \$\{nope\}/);
  assert.throws(() => parseLoginConfig('a { };', '/c/l'), /lists no login module/);
});

async function setup(extra: Record<string, string> = {}, master?: string) {
  const fs = memoryFiles(
    {
      '/c/users.properties': 'system=manager\nuser=password\nguest=password\n',
      '/c/groups.properties': 'admins=system\nusers=system, user\nguests=guest\n',
      '/c/dn-users.properties': 'client=CN=client, O="Acme, Inc.", C=US\nregex=/CN=oth.*/\n',
      ...extra,
    },
    master,
  );
  const config = parseLoginConfig(LOGIN_CONFIG, '/c/login.config');
  const ctx = { files: new PropertiesFiles(fs.io), verifier: defaultPasswordVerifier, configDir: '/c' };
  return { fs, config, ctx, login: (name: string) => new JaasLogin(config, name, ctx, '/c/login.config') };
}

const creds = (userName: string | null, password: string | null) => ({ userName, password, certificates: [] });

test('PropertiesLoginModule: users and groups files as ActiveMQ reads them', async () => {
  const { login } = await setup();
  const jaas = login('activemq');
  assert.deepEqual(await jaas.login(creds('system', 'manager')), {
    user: 'system',
    groups: new Set(['admins', 'users']),
  });
  assert.deepEqual(await jaas.login(creds('guest', 'password')), { user: 'guest', groups: new Set(['guests']) });
  await assert.rejects(jaas.login(creds('user', 'wrong')), new LoginFailure('Password does not match'));
  await assert.rejects(jaas.login(creds('nobody', 'x')), new LoginFailure('User does exist'));
  await assert.rejects(jaas.login(creds(null, null)), new LoginFailure('user name is null'));
  assert.throws(() => login('missing'), /has no entry "missing" \(entries: activemq, activemq-ssl, guests\)/);
});

test('reload=true: a changed users file applies to the next login, an unchanged one is not re-read', async () => {
  const { login, fs } = await setup();
  const jaas = login('activemq');
  await jaas.login(creds('user', 'password'));
  const before = fs.reads();
  await jaas.login(creds('user', 'password'));
  assert.equal(fs.reads(), before, 'only a stat when nothing changed');
  fs.write('/c/users.properties', 'user=changed\n');
  await assert.rejects(jaas.login(creds('user', 'password')), LoginFailure);
  assert.equal((await jaas.login(creds('user', 'changed'))).user, 'user');
  // A file that cannot be parsed any more keeps the previous content.
  fs.write('/c/users.properties', 'bad=\\u12');
  assert.equal((await jaas.login(creds('user', 'changed'))).user, 'user');
});

test('stored passwords: scrypt hashes, and ENC(…) with decrypt=true and the master password', async () => {
  const hashed = await hashPassword('s3cret');
  const enc = `ENC(${jasyptEncrypt('t0p', 'master')})`;
  const cfg = `a { org.apache.activemq.jaas.PropertiesLoginModule required decrypt=true
    org.apache.activemq.jaas.properties.user="u" org.apache.activemq.jaas.properties.group="g"; };`;
  const fs = memoryFiles({ '/c/u': `h=${hashed}\ne=${enc}\n`, '/c/g': 'x=h,e\n' }, 'master');
  const ctx = { files: new PropertiesFiles(fs.io), verifier: defaultPasswordVerifier, configDir: '/c' };
  const jaas = new JaasLogin(parseLoginConfig(cfg, '/c/l'), 'a', ctx, '/c/l');
  assert.equal((await jaas.login(creds('h', 's3cret'))).user, 'h');
  assert.equal((await jaas.login(creds('e', 't0p'))).user, 'e');
  await assert.rejects(jaas.login(creds('e', enc)), LoginFailure);
  const noMaster = memoryFiles({ '/c/u': `e=${enc}\n`, '/c/g': '' });
  assert.throws(
    () =>
      new JaasLogin(parseLoginConfig(cfg, '/c/l'), 'a', { ...ctx, files: new PropertiesFiles(noMaster.io) }, '/c/l'),
    /decrypt=true but no master password is set \(environment variable ACTIVEMQ_ENCRYPTION_PASSWORD\)/,
  );
  const wrong = memoryFiles({ '/c/u': `e=${enc}\n`, '/c/g': '' }, 'other');
  assert.throws(
    () => new JaasLogin(parseLoginConfig(cfg, '/c/l'), 'a', { ...ctx, files: new PropertiesFiles(wrong.io) }, '/c/l'),
    /cannot read JAAS properties file \/c\/u: cannot decrypt a value/,
  );
});

test('a missing properties file or an unknown module is a start-up error', async () => {
  const fs = memoryFiles({});
  const ctx = { files: new PropertiesFiles(fs.io), verifier: defaultPasswordVerifier, configDir: '/c' };
  assert.throws(
    () => new JaasLogin(parseLoginConfig(LOGIN_CONFIG, '/c/l'), 'activemq', ctx, '/c/l'),
    /cannot read JAAS properties file \/c\/users.properties: no such file/,
  );
  assert.throws(
    () => new JaasLogin(parseLoginConfig('a { com.example.Ldap required; };', '/c/l'), 'a', ctx, '/c/l'),
    /login module com.example.Ldap \(line 1\) is not available in TideMQ/,
  );
});

test('GuestLoginModule stacked with credentialsInvalidate: anonymous become guests, wrong passwords fail', async () => {
  const { login } = await setup();
  const jaas = login('guests');
  assert.deepEqual(await jaas.login(creds(null, null)), { user: 'guest', groups: new Set(['anon']) });
  assert.deepEqual(await jaas.login(creds('user', 'password')), { user: 'user', groups: new Set(['users']) });
  await assert.rejects(jaas.login(creds('user', 'wrong')), new LoginFailure('Password does not match'));
});

test('certificates: Java’s DN form, exact and /regex/ matches, ActiveMQ’s failure texts', async () => {
  assert.equal(javaSubjectDn(der('client.pem')), 'CN=client, O="Acme, Inc.", C=US');
  const { login } = await setup();
  const jaas = login('activemq-ssl');
  assert.equal(
    (await jaas.login({ userName: null, password: null, certificates: [der('client.pem')] })).user,
    'client',
  );
  assert.equal((await jaas.login({ userName: null, password: null, certificates: [der('other.pem')] })).user, 'regex');
  await assert.rejects(
    jaas.login(creds(null, null)),
    new LoginFailure('Client certificates not found. Cannot authenticate.'),
  );
  const { login: login2 } = await setup({ '/c/dn-users.properties': 'client=CN=client,O=Acme\\, Inc.,C=US\n' });
  await assert.rejects(
    login2('activemq-ssl').login({ userName: null, password: null, certificates: [der('client.pem')] }),
    new LoginFailure('No user for client certificate: CN=client, O="Acme, Inc.", C=US'),
  );
});

test('control flags follow LoginContext: requisite stops, sufficient ends, optional alone must succeed', async () => {
  const fs = memoryFiles({ '/c/u': 'a=1\n', '/c/g': 'g=a\n' });
  const ctx = { files: new PropertiesFiles(fs.io), verifier: defaultPasswordVerifier, configDir: '/c' };
  const props = 'org.apache.activemq.jaas.PropertiesLoginModule';
  const opts = 'org.apache.activemq.jaas.properties.user="u" org.apache.activemq.jaas.properties.group="g"';
  const make = (body: string) => new JaasLogin(parseLoginConfig(`x { ${body} };`, '/c/l'), 'x', ctx, '/c/l');
  const guest = 'org.apache.activemq.jaas.GuestLoginModule';
  // required failure is not rescued by a later sufficient success
  await assert.rejects(make(`${props} required ${opts}; ${guest} sufficient;`).login(creds('a', 'bad')), LoginFailure);
  // optional failure is rescued by an optional success; principals only from the succeeding module
  assert.deepEqual(await make(`${props} optional ${opts}; ${guest} optional;`).login(creds('a', 'bad')), {
    user: 'guest',
    groups: new Set(['guests']),
  });
  // all ignored
  await assert.rejects(
    make(`${guest} optional credentialsInvalidate=true;`).login(creds('a', 'x')),
    new LoginFailure('Login Failure: all modules ignored'),
  );
  // both required succeed: principals from both
  assert.deepEqual(await make(`${props} required ${opts}; ${guest} required;`).login(creds('a', '1')), {
    user: 'a',
    groups: new Set(['g', 'guests']),
  });
});
