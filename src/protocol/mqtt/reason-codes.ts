import { isBrokerError } from '../../util/errors.js';

/** MQTT 5 reason codes used here (§2.4), and the 3.1.1 CONNACK return codes they fall back to. */
export const ReasonCode = {
  UnspecifiedError: 0x80,
  MalformedPacket: 0x81,
  ProtocolError: 0x82,
  NotAuthorized: 0x87,
  ClientIdentifierNotValid: 0x85,
  BadUserNameOrPassword: 0x86,
  ServerUnavailable: 0x88,
  ServerShuttingDown: 0x8b,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  NoSubscriptionExisted: 0x11,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  QuotaExceeded: 0x97,
  SharedSubscriptionsNotSupported: 0x9e,
} as const;

/** 3.1.1 CONNACK return codes (§3.2.2.3). */
const V4 = { IdentifierRejected: 2, ServerUnavailable: 3, BadUserNameOrPassword: 4, NotAuthorized: 5 } as const;

/** A client's protocol violation: the connection closes (MQTT 5: after a DISCONNECT with `reasonCode`). */
export class MqttProtocolError extends Error {
  override readonly name = 'MqttProtocolError';
  constructor(
    message: string,
    readonly reasonCode: number = ReasonCode.ProtocolError,
  ) {
    super(message);
  }
}

/**
 * The CONNACK code for a refused connection. ActiveMQ's MQTTProtocolConverter maps InvalidClientIDException
 * to 2, SecurityException (which is what its authentication plugins throw for a bad login) to 5, a
 * CredentialException to 4 and anything else to 3. MQTT 5 has codes for each case.
 */
export function connackCode(error: unknown, version: number): number {
  const code = isBrokerError(error) ? error.code : null;
  if (version === 5) {
    if (code === 'ERR_CLIENT_ID_INVALID') return ReasonCode.ClientIdentifierNotValid;
    if (code === 'ERR_SECURITY_AUTHENTICATION') return ReasonCode.BadUserNameOrPassword;
    if (code === 'ERR_SECURITY_NOT_AUTHORIZED') return ReasonCode.NotAuthorized;
    return ReasonCode.ServerUnavailable;
  }
  if (code === 'ERR_CLIENT_ID_INVALID') return V4.IdentifierRejected;
  if (code === 'ERR_SECURITY_AUTHENTICATION' || code === 'ERR_SECURITY_NOT_AUTHORIZED') return V4.NotAuthorized;
  return V4.ServerUnavailable;
}

/** MQTT 5 code for a refused SUBSCRIBE filter or PUBLISH. */
export function subscribeFailureCode(error: unknown, _publish: boolean): number {
  const code = isBrokerError(error) ? error.code : null;
  if (code === 'ERR_SECURITY_NOT_AUTHORIZED' || code === 'ERR_SECURITY_AUTHENTICATION') return ReasonCode.NotAuthorized;
  if (code === 'ERR_RESOURCE_ALLOCATION') return ReasonCode.QuotaExceeded;
  return ReasonCode.UnspecifiedError;
}
