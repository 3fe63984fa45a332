import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadBrokerConfig, loadBrokerConfigText } from '../config/load-config.js';
import { formatWarning } from '../config/config-error.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { assembleBroker } from '../server/assemble.js';
import { StoppedWhileSlaveError } from '../server/master-lock.js';
import { BrokerService } from '../server/broker-service.js';
import '../server/builtin-protocols.js';
import { Logger, type Level } from '../util/logger.js';
import { tidemqVersion } from '../util/version.js';
import { startWebConsole, webFlagOptions, webFlagsFrom, webHelp, type WebFlags } from './web-console.js';
import type { WebServer } from '../web/web-server.js';

const help = `Usage: tidemq start [options] [-Dname=value ...]

Runs the broker in the foreground. Without --config it uses the embedded default configuration:
OpenWire on 127.0.0.1:61616 and STOMP on 127.0.0.1:61613, persistent messages under ./data.

Options:
  --config <file>          An ActiveMQ activemq.xml to run (placeholders from -D, then the environment)
  -Dname=value             A property for \${name} placeholders, as ActiveMQ's launcher passes them
  --strict                 Refuse elements of activemq.xml that TideMQ does not implement (default: warn)
  --bind <address>         Listen on this address (default 127.0.0.1; with --config, overrides every connector)
  --openwire-port <port>   OpenWire port (default 61616; 0 picks a free port; with --config, overrides)
  --stomp-port <port>      STOMP port (default 61613; 0 picks a free port; with --config, overrides)
  --data-dir <dir>         Sets \${activemq.data} (default: ACTIVEMQ_DATA, else <ACTIVEMQ_BASE or ./>/data)
  --persistent <bool>      Keep persistent messages on disk (default true)
  --broker-name <name>     Broker name (default localhost)
  --log-format <fmt>       text (default) or json
  --log-level <level>      debug, info (default), warn, error
  -h, --help               Show this text

${webHelp}
Environment: ACTIVEMQ_HOME, ACTIVEMQ_BASE, ACTIVEMQ_CONF, ACTIVEMQ_DATA give \${activemq.home|base|conf|data}
as ActiveMQ's launcher does (base defaults to home: the folder above conf/, else the working directory).
percentOfJvmHeap is a share of Node's --max-old-space-size (NODE_OPTIONS=--max-old-space-size=<MiB>), else of 1 GiB.
`;

interface StartFlags {
  config?: string;
  strict: boolean;
  properties: Record<string, string>;
  bind?: string;
  openwirePort?: number;
  stompPort?: number;
  dataDir?: string;
  persistent?: boolean;
  brokerName?: string;
  logFormat: 'text' | 'json';
  logLevel: Level;
  web: WebFlags;
}

function parseFlags(argv: string[]): StartFlags | 'help' {
  const properties: Record<string, string> = {};
  const rest: string[] = [];
  for (const a of argv) {
    const m = /^-D([^=]+)=(.*)$/s.exec(a);
    if (m) properties[m[1]!] = m[2]!;
    else if (a.startsWith('-D')) throw new Error(`${a}: properties are written -Dname=value`);
    else rest.push(a);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      strict: { type: 'boolean', default: false },
      bind: { type: 'string' },
      'openwire-port': { type: 'string' },
      'stomp-port': { type: 'string' },
      'data-dir': { type: 'string' },
      persistent: { type: 'string' },
      'broker-name': { type: 'string' },
      'log-format': { type: 'string', default: 'text' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
      ...webFlagOptions,
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const port = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 65535)
      throw new Error(`--${name} must be a port number from 0 to 65535, not '${text}'`);
    return n;
  };
  const persistent = values.persistent;
  if (persistent !== undefined && persistent !== 'true' && persistent !== 'false') {
    throw new Error(`--persistent must be true or false, not '${persistent}'`);
  }
  const format = values['log-format'];
  if (format !== 'text' && format !== 'json') throw new Error(`--log-format must be text or json, not '${format}'`);
  const level = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new Error(`--log-level must be debug, info, warn or error, not '${level}'`);
  }
  const flags: StartFlags = {
    strict: values.strict,
    properties,
    logFormat: format,
    logLevel: level as Level,
    web: webFlagsFrom(values),
  };
  if (values.config !== undefined) {
    flags.config = values.config;
    flags.web.confDir = path.dirname(path.resolve(values.config));
  }
  if (values.bind !== undefined) flags.bind = values.bind;
  const ow = port('openwire-port', values['openwire-port']);
  if (ow !== undefined) flags.openwirePort = ow;
  const st = port('stomp-port', values['stomp-port']);
  if (st !== undefined) flags.stompPort = st;
  if (values['data-dir'] !== undefined) flags.dataDir = values['data-dir'];
  if (persistent !== undefined) flags.persistent = persistent === 'true';
  if (values['broker-name'] !== undefined) flags.brokerName = values['broker-name'];
  return flags;
}

/**
 * The embedded default configuration, written as the activemq.xml it stands for: the two implemented
 * protocols on their standard ports, on loopback, with ActiveMQ's connection and frame limits.
 */
function embeddedConfig(flags: StartFlags): string {
  const bind = flags.bind ?? '127.0.0.1';
  const host = bind.includes(':') ? `[${bind}]` : bind;
  const limits = 'maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600';
  return `<broker xmlns="http://activemq.apache.org/schema/core" brokerName="localhost" dataDirectory="\${activemq.data}">
  <transportConnectors>
    <transportConnector name="openwire" uri="tcp://${host}:${flags.openwirePort ?? 61616}?${limits}"/>
    <transportConnector name="stomp" uri="stomp://${host}:${flags.stompPort ?? 61613}?${limits}"/>
  </transportConnectors>
</broker>`;
}

export async function runStart(argv: string[]): Promise<number> {
  let flags: StartFlags;
  try {
    const parsed = parseFlags(argv);
    if (parsed === 'help') {
      process.stdout.write(help);
      return 0;
    }
    flags = parsed;
  } catch (e) {
    process.stderr.write(`tidemq start: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const logger = Logger.create({
    format: flags.logFormat,
    level: flags.logLevel,
    write: (line) => process.stdout.write(line + '\n'),
  });

  logger.info(`TideMQ ${tidemqVersion()} starting`);
  // Signals are handled from the start: a slave waiting for its store's lock stops cleanly on SIGTERM too.
  let service: BrokerService | undefined;
  let web: WebServer | null = null;
  let stopping = false;
  let lockLost = false;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const onSignal = (signal: string): void => {
    if (stopping) {
      logger.warn(`Received ${signal} again; exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`Received ${signal}; shutting down`);
    const stopWeb = web === null ? Promise.resolve() : web.stop().catch(() => {});
    stopWeb
      .then(() => service?.stop())
      .then(
        () => finished(),
        (err: unknown) => {
          logger.error('Shutdown was not clean', { error: err });
          finished();
        },
      );
  };
  const stopRequested = (): void => onSignal('stop request from the management API');
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const properties = { ...flags.properties };
    // ActiveMQ users turn on TLS handshake logging with -Djavax.net.debug=ssl; it maps onto TideMQ's switch.
    if (/\b(ssl|all)\b/.test(properties['javax.net.debug'] ?? '')) process.env['TIDEMQ_TLS_DEBUG'] = '1';
    if (flags.dataDir !== undefined) properties['activemq.data'] = path.resolve(flags.dataDir);
    let loaded;
    if (flags.config !== undefined) {
      loaded = loadBrokerConfig(flags.config, { properties, strict: flags.strict });
      logger.info(`Loaded configuration ${path.resolve(flags.config)}`);
    } else {
      // activemq.data defaults as the launcher's: ACTIVEMQ_DATA, else <ACTIVEMQ_BASE or the working directory>/data.
      loaded = loadBrokerConfigText(embeddedConfig(flags), path.resolve('tidemq-embedded.xml'), { properties });
    }
    // ActiveMQ runs its web console when activemq.xml imports jetty.xml; TideMQ does the same, configured by the
    // --web-* flags (jetty.xml itself is Jetty's Spring wiring and is not read: docs/operations.md).
    const jetty = loaded.warnings.find((w) => /it configures ActiveMQ's Jetty web console/.test(w.message));
    for (const w of loaded.warnings) if (w !== jetty) logger.warn(formatWarning(w));
    if (jetty !== undefined)
      logger.info(
        `${formatWarning(jetty).replace(/ is ignored: .*$/, '')}: the web console starts, configured by the --web-* flags (jetty.xml itself is not read)`,
      );
    const config: BrokerConfig = loaded.config;
    if (flags.dataDir !== undefined && !isWithin(config.dataDirectory, path.resolve(flags.dataDir))) {
      // Debian's file says dataDirectory="\${activemq.base}/data": --data-dir (activemq.data) cannot move it.
      logger.warn(
        `--data-dir sets \${activemq.data}, which this configuration does not use: its dataDirectory is ` +
          `${config.dataDirectory}; set ACTIVEMQ_BASE or -Dactivemq.base instead`,
      );
    }
    if (flags.brokerName !== undefined) config.brokerName = flags.brokerName;
    if (flags.persistent !== undefined) config.persistent = flags.persistent;
    const portOverrides = new Map<string, number>();
    if (flags.config !== undefined) {
      if (flags.openwirePort !== undefined) portOverrides.set('openwire', flags.openwirePort);
      if (flags.stompPort !== undefined) portOverrides.set('stomp', flags.stompPort);
    }
    const options = await assembleBroker(config, {
      logger,
      ...(flags.config !== undefined && flags.bind !== undefined ? { bindOverride: flags.bind } : {}),
      portOverrides,
    });
    // A master that lost its store's lock has stopped itself (ActiveMQ does the same); the process exits 1.
    options.onLockLost = () => {
      lockLost = true;
      finished();
    };
    service = new BrokerService(options);
    await service.start();
    // A signal that came while the broker was starting (after it became master) stops it now.
    if (stopping) {
      await service.stop();
    } else {
      // The web console (ActiveMQ's Jetty on 8161): management, REST, Jolokia and metrics; BrokerViewMBean.stop()
      // stops the process as a signal would.
      try {
        web = await startWebConsole(
          service,
          config,
          flags.web,
          logger,
          () => stopRequested(),
          flags.config === undefined || jetty !== undefined,
        );
      } catch (e) {
        await service.stop().catch(() => {});
        throw e;
      }
    }
  } catch (e) {
    if (stopping && e instanceof StoppedWhileSlaveError) {
      logger.info(e.message);
      await done;
      return 0;
    }
    logger.error((e as Error).message);
    return 1;
  }

  await done;
  // A master that lost its store's lock stopped its broker; its web console goes too, and the process exits 1.
  if (lockLost) await web?.stop().catch(() => {});
  return lockLost ? 1 : 0;
}

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
