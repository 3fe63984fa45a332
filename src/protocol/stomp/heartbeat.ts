import { StompProtocolError } from './protocol-error.js';

/**
 * The CONNECT `heart-beat` header, `cx,cy`: the client sends every cx ms and wants to hear from the server
 * every cy ms. ActiveMQ (ProtocolConverter.configureInactivityMonitor) answers `cy,cx` in CONNECTED, i.e. it
 * sends every cy ms and reads with a check period of cx × hbGracePeriodMultiplier; absent means `0,0`.
 */
export function parseHeartBeat(value: string | undefined): { clientSend: number; clientWants: number } {
  const text = (value ?? '0,0').trim();
  const parts = text.split(',');
  const valid = parts.length === 2 && parts.every((p) => /^\s*\d{1,15}\s*$/.test(p));
  if (!valid) throw new StompProtocolError(`Invalid heart-beat header:${text}`);
  return { clientSend: Number(parts[0]), clientWants: Number(parts[1]) };
}
