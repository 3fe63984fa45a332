import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerError } from '../../util/errors.js';
import type { ProtocolOptions } from '../protocol.js';
import { SUPPORTED_VERSIONS, type StompVersion } from './codec/frame.js';
import { defaultStompLimits, type StompLimits } from './codec/limits.js';
import { StompProtocolError } from './protocol-error.js';

/** Everything a STOMP connection is configured with, resolved once per connector. */
export interface StompSettings {
  readonly limits: StompLimits;
  /** Upper bound on the interval at which the server pings (0 = none). */
  readonly maxHeartbeatMs: number;
  readonly graceMultiplier: number;
  /** Used when CONNECT has no heart-beat header (ActiveMQ transport.defaultHeartBeat, `0,0`). */
  readonly defaultHeartBeat: string;
}

/**
 * The URI options this module reads from ProtocolOptions.extra. `transport.*` names are ActiveMQ's
 * (StompTransportFilter setters); the header limits are constants in ActiveMQ and options here.
 */
export const STOMP_OPTION_NAMES = [
  'transport.maxDataLength',
  'wireFormat.maxDataLength',
  'transport.defaultHeartBeat',
  'wireFormat.maxHeaderLength',
  'wireFormat.maxHeaders',
  'wireFormat.maxCommandLength',
] as const;

/** Resolves and validates the settings; a bad value is an ERR_CONFIG error naming the option. */
export function stompSettings(options: ProtocolOptions): StompSettings {
  const extra = options.extra;
  const int = (name: string, fallback: number): number => {
    const raw = extra.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new BrokerError('ERR_CONFIG', `Invalid value for STOMP option ${name}: [${raw}] (a positive integer)`);
    }
    return n;
  };
  const maxDataLength = int(
    'transport.maxDataLength',
    int('wireFormat.maxDataLength', defaultStompLimits.maxDataLength),
  );
  const limits: StompLimits = {
    maxFrameSize: options.maxFrameSize > 0 ? options.maxFrameSize : defaultStompLimits.maxFrameSize,
    maxDataLength,
    maxHeaderLength: int('wireFormat.maxHeaderLength', defaultStompLimits.maxHeaderLength),
    maxHeaders: int('wireFormat.maxHeaders', defaultStompLimits.maxHeaders),
    maxCommandLength: int('wireFormat.maxCommandLength', defaultStompLimits.maxCommandLength),
  };
  const defaultHeartBeat = extra.get('transport.defaultHeartBeat') ?? '0,0';
  // Checked here so a bad default fails at start-up, not on the first CONNECT without a heart-beat header.
  if (!/^\s*\d{1,15}\s*,\s*\d{1,15}\s*$/.test(defaultHeartBeat)) {
    throw new BrokerError(
      'ERR_CONFIG',
      `Invalid value for STOMP option transport.defaultHeartBeat: [${defaultHeartBeat}]`,
    );
  }
  return {
    limits,
    maxHeartbeatMs: options.maxInactivityDurationMs,
    graceMultiplier: options.heartbeatGraceMultiplier,
    defaultHeartBeat,
  };
}

/**
 * The version CONNECT asks for: the highest common one of `accept-version` (STOMP 1.0 when the header is
 * absent), as ActiveMQ's StompCodec.detectVersion picks it, with its error text.
 */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion {
  const accepts = acceptVersion ?? '1.0';
  const offered = new Set(
    accepts
      .trim()
      .split(',')
      .map((v) => v.trim()),
  );
  for (const v of SUPPORTED_VERSIONS) if (offered.has(v)) return v;
  throw new StompProtocolError(
    `Invalid Protocol version[${accepts}], supported versions are: [${SUPPORTED_VERSIONS.join(', ')}]`,
  );
}

let server: string | null = null;

/** `TideMQ/<version>` for the CONNECTED `server` header, from the package.json this file ships in. */
export function serverHeader(): string {
  if (server !== null) return server;
  server = 'TideMQ';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tidemq' && typeof pkg.version === 'string') {
        server = `TideMQ/${pkg.version}`;
        break;
      }
    } catch {
      // Not here; look one level up.
    }
    dir = dirname(dir);
  }
  return server;
}
