import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrokerSetup, InteropBroker } from './harness/broker.js';
import { selectedBrokerKind } from './harness/broker.js';
import { buildInteropClasses } from './harness/java-build.js';
import { JavaDriver } from './harness/java-driver.js';
import { startInteropBroker } from './harness/start-broker.js';
import { encodeFrame, StompFrameParser, type StompFrame } from './harness/stomp-frames.js';

/**
 * Wildcard, composite and durable consumers under authorization (issue 12.1), through STOMP, against the broker
 * INTEROP_BROKER names: every expectation is what Debian's ActiveMQ 5.17.2 does with the same activemq.xml (run
 * with INTEROP_BROKER=activemq to see it). The seed's users and entries, plus destinations only admins may use
 * (`secret.>`) and queues the `users` group may use (`app.>`).
 *
 * ActiveMQ checks a wildcard consumer's own name first — `topic://>` needs an entry as broad as `>`, so it is
 * refused — and then each destination it would be attached to, skipping the ones the user may not read, also
 * when they are created after the subscription.
 */
export const wildcardSetup: BrokerSetup = {
  xml: ({ dataDir, openwirePort, stompPort }) => `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false" persistent="false"
          schedulerSupport="false" dataDirectory="${dataDir}">
    <plugins>
      <simpleAuthenticationPlugin>
        <users>
          <authenticationUser username="system" password="manager" groups="users,admins"/>
          <authenticationUser username="user" password="password" groups="users"/>
          <authenticationUser username="guest" password="password" groups="guests"/>
        </users>
      </simpleAuthenticationPlugin>
      <authorizationPlugin>
        <map>
          <authorizationMap>
            <authorizationEntries>
              <authorizationEntry topic="Consumer.*.VirtualTopic.alfresco.repo.events.nodes>" read="users" write="users" admin="users"/>
              <authorizationEntry topic="ActiveMQ.Advisory.>" read="guests,users" write="guests,users" admin="guests,users"/>
              <authorizationEntry topic="VirtualTopic.alfresco.repo.events.nodes" read="guests,users" write="guests,users" admin="guests,users"/>
              <authorizationEntry topic="secret.>" read="admins" write="admins" admin="admins"/>
              <authorizationEntry queue="secret.>" read="admins" write="admins" admin="admins"/>
              <authorizationEntry queue="app.>" read="users" write="users" admin="users"/>
            </authorizationEntries>
          </authorizationMap>
        </map>
      </authorizationPlugin>
    </plugins>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`,
  auth: { user: 'system', password: 'manager' },
};

const VT = 'VirtualTopic.alfresco.repo.events.nodes';
const SYSTEM = { login: 'system', passcode: 'manager' };
const USER = { login: 'user', passcode: 'password' };
const GUEST = { login: 'guest', passcode: 'password' };

/** A logged-in raw STOMP 1.2 connection: every frame is written as given and every reply kept in order. */
class Stomp {
  private readonly parser = new StompFrameParser();
  private readonly frames: StompFrame[] = [];
  private closed = false;
  private wake: () => void = () => {};
  private receipts = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.parser.push(chunk));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(broker: InteropBroker, login: { login: string; passcode: string }, clientId?: string) {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(broker.stomp.port, broker.stomp.host, resolve);
    });
    const s = new Stomp(socket);
    const headers: Record<string, string> = { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' };
    if (clientId !== undefined) headers['client-id'] = clientId;
    s.socket.write(encodeFrame('CONNECT', { ...headers, ...login }));
    const connected = await s.next();
    assert.equal(connected?.command, 'CONNECTED', `login as ${login.login}`);
    return s;
  }

  async next(timeoutMs = 10_000): Promise<StompFrame | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.frames.shift() ?? null;
  }

  /** Sends a frame with a receipt; resolves with `RECEIPT` or `ERROR <message>`. */
  async request(command: string, headers: Record<string, string>, body = ''): Promise<string> {
    this.socket.write(encodeFrame(command, { ...headers, receipt: `r${++this.receipts}` }, body));
    const reply = await this.next();
    if (reply === null) return 'nothing';
    return reply.command === 'ERROR' ? `ERROR ${reply.headers.get('message')}` : reply.command;
  }

  subscribe(destination: string, extra: Record<string, string> = {}): Promise<string> {
    return this.request('SUBSCRIBE', { destination, id: destination, ack: 'auto', ...extra });
  }

  async send(destination: string, body: string): Promise<void> {
    assert.equal(await this.request('SEND', { destination, persistent: 'true' }, body), 'RECEIPT', `send ${body}`);
  }

  /** The body of the next MESSAGE (or what came instead). */
  async nextBody(): Promise<string> {
    const f = await this.next();
    if (f === null) return 'nothing';
    return f.command === 'MESSAGE' ? f.body.toString('utf8') : `${f.command} ${f.headers.get('message') ?? ''}`;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe(`Wildcard consumers under authorization (broker: ${selectedBrokerKind()})`, () => {
  let broker: InteropBroker;
  let driver: JavaDriver;
  const open: Stomp[] = [];
  const connect = async (login: { login: string; passcode: string }, clientId?: string) => {
    const s = await Stomp.open(broker, login, clientId);
    open.push(s);
    return s;
  };
  const run = Date.now().toString(36);

  before(async () => {
    const classes = await buildInteropClasses();
    driver = new JavaDriver(classes.clientClasspath);
    broker = await startInteropBroker(classes, wildcardSetup);
  });

  after(async () => {
    for (const s of open) s.close();
    await driver?.close();
    await broker?.stop();
  });

  test('OpenWire, with the Java client: the same refusals, and wildcards attached only where the user may read', async () => {
    const text = await driver.run('security-wildcards', [broker.openwireUrl]);
    const notes: Record<string, string> = {};
    for (const part of text.slice(text.indexOf(': ') + 2).split('; ')) {
      const eq = part.indexOf('=');
      notes[part.slice(0, eq)] = part.slice(eq + 1);
    }
    const denied = (user: string, dest: string) =>
      `javax.jms.JMSSecurityException: User ${user} is not authorized to read from: ${dest}`;
    assert.deepEqual(notes, {
      'guest-topic-all': denied('guest', 'topic://>'),
      'guest-topic-virtual-all': denied('guest', 'topic://VirtualTopic.>'),
      'user-queue-all': denied('user', 'queue://>'),
      'user-queue-consumer-all': denied('user', 'queue://Consumer.>'),
      'guest-topic-five': 'received allowed',
      'user-queue-two': 'received allowed',
      'user-browse-two': 'browsed allowed',
    });
  });

  test('a wildcard broader than every grant is refused with ActiveMQ’s text', async () => {
    const guest = await connect(GUEST);
    assert.equal(await guest.subscribe('/topic/>'), 'ERROR User guest is not authorized to read from: topic://>');
    const guest2 = await connect(GUEST);
    assert.equal(
      await guest2.subscribe('/topic/VirtualTopic.>'),
      'ERROR User guest is not authorized to read from: topic://VirtualTopic.>',
    );
    const user = await connect(USER);
    assert.equal(await user.subscribe('/queue/>'), 'ERROR User user is not authorized to read from: queue://>');
    const user2 = await connect(USER);
    assert.equal(
      await user2.subscribe('/queue/Consumer.>'),
      'ERROR User user is not authorized to read from: queue://Consumer.>',
    );
  });

  test('a composite consumer naming a queue the user may not read is refused, naming it', async () => {
    const user = await connect(USER);
    // Both refuse; TideMQ names the member refused, ActiveMQ prints the composite its own way.
    const refused =
      selectedBrokerKind() === 'activemq' ? `app.c${run},queue://secret.c${run}` : `queue://secret.c${run}`;
    assert.equal(
      await user.subscribe(`/queue/app.c${run},/queue/secret.c${run}`),
      `ERROR User user is not authorized to read from: ${refused}`,
    );
  });

  test('a permitted topic wildcard receives nothing from topics the user may not read, old or new', async () => {
    const system = await connect(SYSTEM);
    // One admins-only topic exists before the subscription, one is created after it.
    await system.send(`/topic/secret.a.b.${run}.before`, 'secret-before');
    const guest = await connect(GUEST);
    // Five elements, like the virtual topic guests may read.
    assert.equal(await guest.subscribe('/topic/*.*.*.*.*'), 'RECEIPT');
    await system.send(`/topic/secret.a.b.${run}.before`, 'secret-existing');
    await system.send(`/topic/secret.a.b.${run}.after`, 'secret-new');
    await system.send(`/topic/${VT}`, 'allowed');
    assert.equal(await guest.nextBody(), 'allowed');
  });

  test('a permitted queue wildcard leaves admins-only queues to their readers', async () => {
    const system = await connect(SYSTEM);
    await system.send(`/queue/secret.${run}`, 'secret-existing');
    const user = await connect(USER);
    assert.equal(await user.subscribe('/queue/*.*'), 'RECEIPT');
    await system.send(`/queue/secret.${run}new`, 'secret-new');
    await system.send(`/queue/app.${run}`, 'allowed');
    assert.equal(await user.nextBody(), 'allowed');
    // The admins' messages are still there for them.
    const admin = await connect(SYSTEM);
    assert.equal(await admin.subscribe(`/queue/secret.${run}`), 'RECEIPT');
    assert.equal(await admin.nextBody(), 'secret-existing');
    assert.equal(await admin.subscribe(`/queue/secret.${run}new`), 'RECEIPT');
    assert.equal(await admin.nextBody(), 'secret-new');
  });

  // ActiveMQ 5.17 differs here, and is wrong: TopicRegion attaches wildcard durable subscriptions to a new topic
  // with the rights of whoever created the topic, so an admin's first send opens it to the guest's subscription.
  test('a durable wildcard subscription only ever keeps topics the user may read', async () => {
    const guest = await connect(GUEST, `guest-${run}`);
    const durable = { 'activemq.subscriptionName': 'wild', 'client-id': `guest-${run}` };
    assert.equal(await guest.subscribe('/topic/*.*.*.*.*', durable), 'RECEIPT');
    const system = await connect(SYSTEM);
    await system.send(`/topic/secret.d.b.${run}.x`, 'secret-new');
    await system.send(`/topic/${VT}`, 'allowed');
    assert.equal(await guest.nextBody(), selectedBrokerKind() === 'activemq' ? 'secret-new' : 'allowed');
  });
});
