import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrokerSetup, InteropBroker } from './broker.js';
import { canConnect, freePort } from './free-port.js';
import type { InteropClasses } from './java-build.js';
import { forEachLine, OutputTail } from './output-tail.js';

/** Debian's `activemq` package: bin/activemq.jar (console Main) and lib/ + lib/optional/ (broker, Spring, xbean). */
export const ACTIVEMQ_HOME = process.env['INTEROP_ACTIVEMQ_HOME'] ?? '/usr/share/activemq';

/** The user the generated activemq.xml gives simpleAuthenticationPlugin. */
export const ACTIVEMQ_USER = { user: 'interop', password: 'interop-secret' } as const;

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * The broker configuration for one run: OpenWire and STOMP on the given loopback ports, KahaDB in the run's own
 * directory without fsync (speed; nothing here tests crash safety), no JMX, no web console, no scheduler, and
 * simpleAuthenticationPlugin with anonymous access allowed, so every scenario connects without credentials while
 * the credential scenario still sees a wrong password refused.
 */
export function activemqXml(opts: { dataDir: string; openwirePort: number; stompPort: number }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="interop" useJmx="false"
          persistent="true" schedulerSupport="false" dataDirectory="${xmlEscape(opts.dataDir)}">
    <persistenceAdapter>
      <kahaDB directory="${xmlEscape(join(opts.dataDir, 'kahadb'))}" journalDiskSyncStrategy="never"/>
    </persistenceAdapter>
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="true">
        <users>
          <authenticationUser username="${ACTIVEMQ_USER.user}" password="${ACTIVEMQ_USER.password}" groups="users"/>
        </users>
      </simpleAuthenticationPlugin>
    </plugins>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${opts.openwirePort}"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${opts.stompPort}"/>
    </transportConnectors>
  </broker>
</beans>
`;
}

/** log4j 1.2 (what Debian's broker logs through): INFO from ActiveMQ to stdout, where readiness is read. */
export const LOG4J_PROPERTIES = `log4j.rootLogger=WARN, stdout
log4j.logger.org.apache.activemq=INFO
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.Target=System.out
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=%d{HH:mm:ss,SSS} %-5p [%c{1}] %m%n
`;

/**
 * Starts Debian's ActiveMQ the way /usr/bin/activemq does (console Main from bin/activemq.jar, activemq.home/base/
 * conf/data properties, `start xbean:file:<activemq.xml>`), but wrapped in ParentWatchdog so the JVM exits when this
 * process goes away. Retries with new ports if one was taken between choosing and binding it.
 */
export async function startActiveMQ(classes: InteropClasses, setup?: BrokerSetup): Promise<InteropBroker> {
  const runJar = join(ACTIVEMQ_HOME, 'bin', 'activemq.jar');
  if (!existsSync(runJar)) {
    throw new Error(`interop: ${runJar} not found; install Debian's activemq package (or set INTEROP_ACTIVEMQ_HOME)`);
  }
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(classes, runJar, setup);
    } catch (err) {
      lastError = err as Error;
      if (!/Address already in use/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function startOnce(classes: InteropClasses, runJar: string, setup?: BrokerSetup): Promise<InteropBroker> {
  const base = mkdtempSync(join(tmpdir(), 'tidemq-interop-activemq-'));
  const conf = join(base, 'conf');
  const data = join(base, 'data');
  const tmp = join(base, 'tmp');
  for (const dir of [conf, data, tmp]) mkdirSync(dir, { recursive: true });
  const openwirePort = await freePort();
  let stompPort = await freePort();
  while (stompPort === openwirePort) stompPort = await freePort();
  const xml = join(conf, 'activemq.xml');
  writeFileSync(xml, (setup?.xml ?? activemqXml)({ dataDir: data, openwirePort, stompPort }));
  writeFileSync(join(conf, 'log4j.properties'), LOG4J_PROPERTIES);
  for (const [name, text] of Object.entries(setup?.confFiles ?? {})) writeFileSync(join(conf, name), text);
  const jaas =
    setup?.confFiles?.['login.config'] === undefined
      ? []
      : [`-Djava.security.auth.login.config=${join(conf, 'login.config')}`];

  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${tmp}`,
      `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
      `-Dactivemq.home=${ACTIVEMQ_HOME}`,
      `-Dactivemq.base=${base}`,
      `-Dactivemq.conf=${conf}`,
      `-Dactivemq.data=${data}`,
      ...jaas,
      ...(setup?.javaOptions ?? []),
      '-cp',
      [classes.classDir, runJar].join(delimiter),
      'ParentWatchdog',
      'org.apache.activemq.console.Main',
      'start',
      `xbean:file:${xml}`,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], cwd: base, env: { ...process.env, ...setup?.env } },
  );
  const tail = new OutputTail(120);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.stdin.end(); // ParentWatchdog exits; ActiveMQ's shutdown hook stops the broker
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`interop: ActiveMQ did not start within ${START_TIMEOUT_MS} ms\n${tail.text()}`)),
        START_TIMEOUT_MS,
      );
      const onLine = (line: string): void => {
        tail.push(line);
        // BrokerService logs "Apache ActiveMQ 5.17.2 (interop, ID:...) started" once every connector is up.
        if (/Apache ActiveMQ \S+ \(interop, [^)]*\) started/.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      };
      forEachLine(child.stdout, onLine);
      forEachLine(child.stderr, onLine);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`interop: cannot start java for ActiveMQ: ${err.message}`));
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(
          new Error(`interop: ActiveMQ exited during start-up (${child.exitCode ?? child.signalCode})\n${tail.text()}`),
        );
      });
    });
    for (const port of [openwirePort, stompPort]) {
      if (!(await canConnect('127.0.0.1', port))) {
        throw new Error(`interop: ActiveMQ reported started but 127.0.0.1:${port} refuses connections\n${tail.text()}`);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: 'activemq',
    openwireUrl: `tcp://127.0.0.1:${openwirePort}`,
    stomp: { host: '127.0.0.1', port: stompPort },
    auth: setup === undefined ? ACTIVEMQ_USER : setup.auth,
    stop,
  };
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
