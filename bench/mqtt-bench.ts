/**
 * MQTT side by side: TideMQ (started through its CLI from an activemq.xml with one mqtt:// connector, persistence
 * off) and Debian's Mosquitto 2 (persistence off), each a child process on a free 127.0.0.1 port, driven by
 * mqtt.js from this process. Scenarios: QoS 0 and QoS 1 1→1 (a publisher with a window of unacknowledged
 * PUBLISHes, one subscriber), and QoS 0 fan-out 1→100 subscribers. Prints delivered messages per second, the median
 * of the rounds.
 *
 *   npm run build && node dist/bench/mqtt-bench.js [--rounds 3] [--messages 20000] [--size 256]
 *
 * Debian's ActiveMQ 5.17 is the third column when its MQTT connector can start (libmqtt-client-java installed:
 * the FuseSource MQTT codec and HawtDispatch on activemq.classpath); `--no-activemq` leaves it out. Run alone
 * (`npm run bench:mqtt`) or after the scenarios with `npm run bench -- --suite mqtt`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { activemqHome, activemqLaunch } from './activemq.js';
import { freePorts } from './ports.js';
import { sleep, waitForPort } from './readiness.js';
import { findRepoRoot } from './repo-root.js';
import { tidemqMain } from './tidemq.js';

interface Broker {
  readonly url: string;
  stop(): Promise<void>;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function startChild(
  command: string,
  args: string[],
  port: number,
  dir: string,
  timeoutMs = 30_000,
): Promise<Broker> {
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore', cwd: dir });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port, Date.now() + timeoutMs, () => {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}`);
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startTideMQ(): Promise<Broker> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'tidemq-mqtt-bench-'));
  const xml = join(dir, 'activemq.xml');
  writeFileSync(
    xml,
    `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="bench" persistent="false" dataDirectory="${dir}">
  <transportConnectors><transportConnector name="mqtt" uri="mqtt://127.0.0.1:${port}"/></transportConnectors>
</broker>`,
  );
  return startChild(
    process.execPath,
    [tidemqMain(findRepoRoot(import.meta.url)), 'start', '--config', xml],
    port!,
    dir,
  );
}

/** The jars ActiveMQ's activemq-mqtt module needs at run time; null when one is missing. */
function activemqMqttJars(): string[] | null {
  const jars = ['mqtt-client.jar', 'hawtdispatch.jar', 'hawtdispatch-transport.jar', 'hawtbuf.jar'].map((j) =>
    join('/usr/share/java', j),
  );
  return jars.every((j) => existsSync(j)) && existsSync(join(activemqHome, 'bin', 'activemq.jar')) ? jars : null;
}

async function startActiveMQ(): Promise<Broker> {
  const jars = activemqMqttJars();
  if (jars === null) throw new Error('ActiveMQ or libmqtt-client-java is not installed');
  const [openwire, stomp, mqttPort] = await freePorts(3);
  const dir = mkdtempSync(join(tmpdir(), 'activemq-mqtt-bench-'));
  const launch = activemqLaunch(dir, {
    ports: { openwire: openwire!, stomp: stomp! },
    persistent: false,
    dataDir: join(dir, 'data'),
    mqttPort: mqttPort!,
    classpath: jars,
  });
  return startChild(launch.command, launch.args, mqttPort!, dir, 60_000);
}

async function startMosquitto(): Promise<Broker> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-bench-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n`);
  return startChild('/usr/sbin/mosquitto', ['-c', conf], port!, dir);
}

function connect(url: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, protocolVersion: 4 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

/** Publishes `messages` with up to `window` unacknowledged; resolves with deliveries per second at the subscribers. */
async function scenario(url: string, qos: 0 | 1, subscribers: number, messages: number, size: number): Promise<number> {
  const topic = `bench/${qos}/${subscribers}/${Date.now()}`;
  const subs = await Promise.all(Array.from({ length: subscribers }, () => connect(url)));
  let delivered = 0;
  const expected = messages * subscribers;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  for (const s of subs) {
    s.on('message', () => {
      if (++delivered === expected) done();
    });
    await s.subscribeAsync(topic, { qos });
  }
  const pub = await connect(url);
  const payload = Buffer.alloc(size, 0x61);
  const window = 500;
  const started = process.hrtime.bigint();
  let inFlight = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const next = (): void => {
      while (sent < messages && inFlight < window) {
        sent++;
        inFlight++;
        pub.publish(topic, payload, { qos }, () => {
          inFlight--;
          if (sent === messages && inFlight === 0) resolve();
          else next();
        });
      }
    };
    next();
  });
  await Promise.race([all, sleep(60_000)]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all([...subs, pub].map((c) => c.endAsync()));
  return Math.round(delivered / seconds);
}

async function main(): Promise<void> {
  const rounds = arg('rounds', 3);
  const messages = arg('messages', 20_000);
  const size = arg('size', 256);
  const table: Array<[string, string, number]> = [];
  const brokers: Array<readonly [string, () => Promise<Broker>]> = [
    ['tidemq', startTideMQ],
    ['mosquitto', startMosquitto],
  ];
  if (!process.argv.includes('--no-activemq')) {
    if (activemqMqttJars() !== null) brokers.push(['activemq', startActiveMQ]);
    else process.stderr.write('[mqtt-bench] no ActiveMQ column: activemq or libmqtt-client-java is not installed\n');
  }
  const cases: Array<[string, 0 | 1, number, number]> = [
    ['QoS 0 1→1', 0, 1, messages],
    ['QoS 1 1→1', 1, 1, messages],
    ['QoS 0 fan-out 1→100', 0, 100, Math.max(1, Math.floor(messages / 20))],
  ];
  for (const [name, qos, subs, n] of cases) {
    for (const [broker, start] of brokers) {
      const results: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const b = await start();
        try {
          results.push(await scenario(b.url, qos, subs, n, size));
        } finally {
          await b.stop();
        }
      }
      results.sort((a, b) => a - b);
      table.push([name, broker, results[Math.floor(results.length / 2)]!]);
      process.stderr.write(`[mqtt-bench] ${name} ${broker}: ${results.join(', ')} deliveries/s\n`);
    }
  }
  console.log(`| scenario | broker | deliveries/s (median of ${rounds}) |\n| --- | --- | --- |`);
  for (const [name, broker, v] of table) console.log(`| ${name} | ${broker} | ${v} |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
