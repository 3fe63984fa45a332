import { parseArgs } from 'node:util';
import { BrokerService, type ConnectorSpec } from '../server/broker-service.js';
import { protocolModule, protocolModules } from '../server/protocols.js';
import '../server/builtin-protocols.js';
import { Logger, type Level } from '../util/logger.js';
import { resolve } from 'node:path';
import { decodePrimitiveMap } from '../model/primitive-map.js';
import { JournalPersistenceAdapter } from '../store/journal/journal-persistence-adapter.js';
import { MemoryPersistenceAdapter } from '../store/memory/memory-persistence-adapter.js';
import type { PersistenceAdapter } from '../store/persistence-adapter.js';

const help = `Usage: tidemq start [options]

Runs the broker in the foreground. Without --config it uses the embedded default configuration:
STOMP on 127.0.0.1:61613 and OpenWire on 127.0.0.1:61616.

Options:
  --bind <address>         Address the embedded connectors listen on (default 127.0.0.1)
  --openwire-port <port>   OpenWire port (default 61616; 0 picks a free port)
  --stomp-port <port>      STOMP port (default 61613; 0 picks a free port)
  --data-dir <dir>         Data directory for persistent messages (default ./data)
  --persistent <bool>      Keep persistent messages on disk (default true)
  --broker-name <name>     Broker name (default localhost)
  --log-format <fmt>       text (default) or json
  --log-level <level>      debug, info (default), warn, error
  -h, --help               Show this text
`;

interface StartFlags {
  bind: string;
  openwirePort: number;
  stompPort: number;
  dataDir: string;
  persistent: boolean;
  brokerName: string;
  logFormat: 'text' | 'json';
  logLevel: Level;
}

function parseFlags(argv: string[]): StartFlags | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      bind: { type: 'string', default: '127.0.0.1' },
      'openwire-port': { type: 'string', default: '61616' },
      'stomp-port': { type: 'string', default: '61613' },
      'data-dir': { type: 'string', default: 'data' },
      persistent: { type: 'string', default: 'true' },
      'broker-name': { type: 'string', default: 'localhost' },
      'log-format': { type: 'string', default: 'text' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const port = (name: string, text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 65535)
      throw new Error(`--${name} must be a port number from 0 to 65535, not '${text}'`);
    return n;
  };
  const bool = (name: string, text: string): boolean => {
    if (text !== 'true' && text !== 'false') throw new Error(`--${name} must be true or false, not '${text}'`);
    return text === 'true';
  };
  const format = values['log-format'];
  if (format !== 'text' && format !== 'json') throw new Error(`--log-format must be text or json, not '${format}'`);
  const level = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new Error(`--log-level must be debug, info, warn or error, not '${level}'`);
  }
  return {
    bind: values.bind,
    openwirePort: port('openwire-port', values['openwire-port']),
    stompPort: port('stomp-port', values['stomp-port']),
    dataDir: values['data-dir'],
    persistent: bool('persistent', values.persistent),
    brokerName: values['broker-name'],
    logFormat: format,
    logLevel: level as Level,
  };
}

/** The embedded default configuration: one connector per available protocol on its standard port. */
function defaultConnectors(flags: StartFlags): ConnectorSpec[] {
  const available = new Set(protocolModules().map((m) => m.name));
  const specs: ConnectorSpec[] = [];
  if (available.has('openwire')) {
    specs.push({
      name: 'openwire',
      scheme: 'tcp',
      protocol: protocolModule('openwire'),
      host: flags.bind,
      port: flags.openwirePort,
    });
  }
  if (available.has('stomp')) {
    specs.push({
      name: 'stomp',
      scheme: 'stomp',
      protocol: protocolModule('stomp'),
      host: flags.bind,
      port: flags.stompPort,
    });
  }
  return specs;
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
  let store: PersistenceAdapter;
  if (flags.persistent) {
    const directory = resolve(flags.dataDir, 'kahadb');
    logger.info(`Persistent messages are kept in ${directory}`);
    store = new JournalPersistenceAdapter({
      directory,
      propertyDecoder: decodePrimitiveMap,
      logger: logger.child({ area: 'store' }),
    });
  } else {
    logger.info('Persistence is off: messages live in memory only');
    store = new MemoryPersistenceAdapter();
  }
  const service = new BrokerService({
    brokerName: flags.brokerName,
    connectors: defaultConnectors(flags),
    store,
    logger,
  });
  try {
    await service.start();
  } catch (e) {
    logger.error((e as Error).message);
    return 1;
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string): void => {
      if (stopping) {
        logger.warn(`Received ${signal} again; exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`Received ${signal}; shutting down`);
      service.stop().then(
        () => resolve(),
        (err: unknown) => {
          logger.error('Shutdown was not clean', { error: err });
          resolve();
        },
      );
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}
