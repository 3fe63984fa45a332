import { T, MAX_OPENWIRE_VERSION } from './types.js';

/**
 * The OpenWire marshalling tables: for each data structure type, its fields in wire order with the protocol
 * version each field appeared in (and, for the two fields ever dropped, the version it left in). One table
 * serves every version 1..12; the codec walks the fields of the negotiated version.
 *
 * Source: ActiveMQ's generated marshallers, activemq-client/.../openwire/v1, v9, v10, v11, v12 and
 * activemq-openwire-legacy/.../openwire/v2..v8 (`looseMarshal` of each XxxMarshaller, superclass fields first),
 * cross-checked against the `@openwire:property version=N cache=true` tags of the command classes. Tight and loose
 * encodings visit the fields in the same order; they differ only in how each kind is written.
 */

/** How a field is written (BaseDataStreamMarshaller's tight/loose helpers). */
export const enum K {
  /** writeByte. */
  BYTE = 1,
  /** tight: one BooleanStream bit; loose: writeBoolean. */
  BOOL,
  /** writeShort. */
  SHORT,
  /** writeInt. */
  INT,
  /** tight: 2 bits choosing 0/2/4/8 bytes; loose: writeLong. */
  LONG,
  /** tight: null bit + ascii bit + short length + bytes; loose: null byte + writeUTF. */
  STRING,
  /** byte[]: null flag + int length + bytes (copied on decode). */
  BYTES,
  /** ByteSequence: as BYTES, but decoded as a view into the frame (message content and properties). */
  BYTE_SEQ,
  /** A fixed-size byte[] without length (WireFormatInfo.magic). */
  CONST_BYTES,
  /** A nested data structure: null flag + type byte + body. */
  NESTED,
  /** A nested data structure through the marshal cache when the cache is on (ids, destinations). */
  CACHED,
  /** DataStructure[]: null flag + short count + nested structures. */
  ARRAY,
  /** A Throwable: class name, message, and with stack traces on: elements and the cause. */
  THROWABLE,
}

export interface FieldSpec {
  /** The property name on the TS object. */
  readonly name: string;
  readonly kind: K;
  /** First protocol version carrying the field. */
  readonly since: number;
  /** First version no longer carrying it (99 = still carried). */
  readonly until: number;
  /** NESTED/CACHED/ARRAY: allowed type numbers, as a 256-entry lookup (1 = allowed). */
  readonly refs: Uint8Array | null;
  /** NESTED/CACHED/ARRAY: the Java type the field holds, for error messages. */
  readonly refName: string;
  /** CONST_BYTES: the fixed length. */
  readonly constSize: number;
}

export interface TypeSpec {
  readonly type: number;
  readonly name: string;
  /** First protocol version with a marshaller for this type. */
  readonly since: number;
  /** Message and WireFormatInfo are MarshallAware: a nested one carries an extra (always false) tight bit. */
  readonly marshalAware: boolean;
  /** Whether this is a BaseCommand (first two fields commandId, responseRequired). */
  readonly isCommand: boolean;
  /** Every field of every version, in wire order. */
  readonly fields: readonly FieldSpec[];
  /** The fields on the wire at each version (index = version); null where the type does not exist. */
  readonly byVersion: readonly (readonly FieldSpec[] | null)[];
}

/** A field's Java default: what a field absent at the negotiated version decodes to. */
export function fieldDefault(f: FieldSpec): unknown {
  switch (f.kind) {
    case K.BYTE:
    case K.SHORT:
    case K.INT:
    case K.LONG:
      return 0;
    case K.BOOL:
      return false;
    default:
      return null;
  }
}

// ----------------------------------------------------------------------------------------------- references

function refSet(name: string, types: readonly number[]): { name: string; set: Uint8Array } {
  const set = new Uint8Array(256);
  for (const t of types) set[t] = 1;
  return { name, set };
}

const MESSAGE_TYPES = [23, 24, 25, 26, 27, 28, 29];

/** What a nested field may hold (the Java declared type); anything else is refused on decode and encode. */
export const R = {
  CONNECTION_ID: refSet('ConnectionId', [T.CONNECTION_ID]),
  SESSION_ID: refSet('SessionId', [T.SESSION_ID]),
  CONSUMER_ID: refSet('ConsumerId', [T.CONSUMER_ID]),
  PRODUCER_ID: refSet('ProducerId', [T.PRODUCER_ID]),
  BROKER_ID: refSet('BrokerId', [T.BROKER_ID]),
  MESSAGE_ID: refSet('MessageId', [T.MESSAGE_ID]),
  TRANSACTION_ID: refSet('TransactionId', [T.ACTIVEMQ_LOCAL_TRANSACTION_ID, T.ACTIVEMQ_XA_TRANSACTION_ID]),
  DESTINATION: refSet('ActiveMQDestination', [
    T.ACTIVEMQ_QUEUE,
    T.ACTIVEMQ_TOPIC,
    T.ACTIVEMQ_TEMP_QUEUE,
    T.ACTIVEMQ_TEMP_TOPIC,
  ]),
  BROKER_INFO: refSet('BrokerInfo', [T.BROKER_INFO]),
  CONSUMER_INFO: refSet('ConsumerInfo', [T.CONSUMER_INFO]),
  MESSAGE_ACK: refSet('MessageAck', [T.MESSAGE_ACK]),
  MESSAGE: refSet('Message', MESSAGE_TYPES),
  /** ConsumerInfo.additionalPredicate is a BooleanExpression; NetworkBridgeFilter is the only one on the wire. */
  BOOLEAN_EXPRESSION: refSet('BooleanExpression', [T.NETWORK_BRIDGE_FILTER]),
  /** Filled in below with every known type. */
  ANY: refSet('DataStructure', []),
};

type Ref = { name: string; set: Uint8Array };

const UNTIL_NEVER = 99;

function f(name: string, kind: K, since: number, ref?: Ref | null, until = UNTIL_NEVER, constSize = 0): FieldSpec {
  return { name, kind, since, until, refs: ref ? ref.set : null, refName: ref ? ref.name : '', constSize };
}

// ----------------------------------------------------------------------------------------------- field lists

const BASE_COMMAND: FieldSpec[] = [f('commandId', K.INT, 1), f('responseRequired', K.BOOL, 1)];
const RESPONSE: FieldSpec[] = [...BASE_COMMAND, f('correlationId', K.INT, 1)];

const MESSAGE: FieldSpec[] = [
  ...BASE_COMMAND,
  f('producerId', K.CACHED, 1, R.PRODUCER_ID),
  f('destination', K.CACHED, 1, R.DESTINATION),
  f('transactionId', K.CACHED, 1, R.TRANSACTION_ID),
  f('originalDestination', K.CACHED, 1, R.DESTINATION),
  f('messageId', K.NESTED, 1, R.MESSAGE_ID),
  f('originalTransactionId', K.CACHED, 1, R.TRANSACTION_ID),
  f('groupID', K.STRING, 1),
  f('groupSequence', K.INT, 1),
  f('correlationId', K.STRING, 1),
  f('persistent', K.BOOL, 1),
  f('expiration', K.LONG, 1),
  f('priority', K.BYTE, 1),
  f('replyTo', K.NESTED, 1, R.DESTINATION),
  f('timestamp', K.LONG, 1),
  f('jmsType', K.STRING, 1),
  f('content', K.BYTE_SEQ, 1),
  f('marshalledProperties', K.BYTE_SEQ, 1),
  f('dataStructure', K.NESTED, 1, R.ANY),
  f('targetConsumerId', K.CACHED, 1, R.CONSUMER_ID),
  f('compressed', K.BOOL, 1),
  f('redeliveryCounter', K.INT, 1),
  f('brokerPath', K.ARRAY, 1, R.BROKER_ID),
  f('arrival', K.LONG, 1),
  f('userID', K.STRING, 1),
  f('recievedByDFBridge', K.BOOL, 1),
  f('droppable', K.BOOL, 2),
  f('cluster', K.ARRAY, 3, R.BROKER_ID),
  f('brokerInTime', K.LONG, 3),
  f('brokerOutTime', K.LONG, 3),
  f('jmsxGroupFirstForConsumer', K.BOOL, 10),
];

const DESTINATION: FieldSpec[] = [f('physicalName', K.STRING, 1)];
const PARTIAL: FieldSpec[] = [f('commandId', K.INT, 1), f('data', K.BYTES, 1)];

interface Def {
  type: number;
  name: string;
  fields: FieldSpec[];
  since?: number;
  marshalAware?: boolean;
}

const DEFS: Def[] = [
  {
    type: T.WIREFORMAT_INFO,
    name: 'WireFormatInfo',
    marshalAware: true,
    fields: [
      f('magic', K.CONST_BYTES, 1, null, UNTIL_NEVER, 8),
      f('version', K.INT, 1),
      f('marshalledProperties', K.BYTE_SEQ, 1),
    ],
  },
  {
    type: T.BROKER_INFO,
    name: 'BrokerInfo',
    fields: [
      ...BASE_COMMAND,
      f('brokerId', K.CACHED, 1, R.BROKER_ID),
      f('brokerURL', K.STRING, 1),
      f('peerBrokerInfos', K.ARRAY, 1, R.BROKER_INFO),
      f('brokerName', K.STRING, 1),
      f('slaveBroker', K.BOOL, 1),
      f('masterBroker', K.BOOL, 1),
      f('faultTolerantConfiguration', K.BOOL, 1),
      f('duplexConnection', K.BOOL, 2),
      f('networkConnection', K.BOOL, 2),
      f('connectionId', K.LONG, 2),
      f('brokerUploadUrl', K.STRING, 3),
      f('networkProperties', K.STRING, 3),
    ],
  },
  {
    type: T.CONNECTION_INFO,
    name: 'ConnectionInfo',
    fields: [
      ...BASE_COMMAND,
      f('connectionId', K.CACHED, 1, R.CONNECTION_ID),
      f('clientId', K.STRING, 1),
      f('password', K.STRING, 1),
      f('userName', K.STRING, 1),
      f('brokerPath', K.ARRAY, 1, R.BROKER_ID),
      f('brokerMasterConnector', K.BOOL, 1),
      f('manageable', K.BOOL, 1),
      f('clientMaster', K.BOOL, 2),
      f('faultTolerant', K.BOOL, 6),
      f('failoverReconnect', K.BOOL, 6),
      f('clientIp', K.STRING, 8),
    ],
  },
  {
    type: T.SESSION_INFO,
    name: 'SessionInfo',
    fields: [...BASE_COMMAND, f('sessionId', K.CACHED, 1, R.SESSION_ID)],
  },
  {
    type: T.CONSUMER_INFO,
    name: 'ConsumerInfo',
    fields: [
      ...BASE_COMMAND,
      f('consumerId', K.CACHED, 1, R.CONSUMER_ID),
      f('browser', K.BOOL, 1),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('prefetchSize', K.INT, 1),
      f('maximumPendingMessageLimit', K.INT, 1),
      f('dispatchAsync', K.BOOL, 1),
      f('selector', K.STRING, 1),
      f('clientId', K.STRING, 10),
      f('subscriptionName', K.STRING, 1),
      f('noLocal', K.BOOL, 1),
      f('exclusive', K.BOOL, 1),
      f('retroactive', K.BOOL, 1),
      f('priority', K.BYTE, 1),
      f('brokerPath', K.ARRAY, 1, R.BROKER_ID),
      f('additionalPredicate', K.NESTED, 1, R.BOOLEAN_EXPRESSION),
      f('networkSubscription', K.BOOL, 1),
      f('optimizedAcknowledge', K.BOOL, 1),
      f('noRangeAcks', K.BOOL, 1),
      f('networkConsumerPath', K.ARRAY, 4, R.CONSUMER_ID),
    ],
  },
  {
    type: T.PRODUCER_INFO,
    name: 'ProducerInfo',
    fields: [
      ...BASE_COMMAND,
      f('producerId', K.CACHED, 1, R.PRODUCER_ID),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('brokerPath', K.ARRAY, 1, R.BROKER_ID),
      f('dispatchAsync', K.BOOL, 2),
      f('windowSize', K.INT, 3),
    ],
  },
  {
    type: T.TRANSACTION_INFO,
    name: 'TransactionInfo',
    fields: [
      ...BASE_COMMAND,
      f('connectionId', K.CACHED, 1, R.CONNECTION_ID),
      f('transactionId', K.CACHED, 1, R.TRANSACTION_ID),
      f('transactionType', K.BYTE, 1),
    ],
  },
  {
    type: T.DESTINATION_INFO,
    name: 'DestinationInfo',
    fields: [
      ...BASE_COMMAND,
      f('connectionId', K.CACHED, 1, R.CONNECTION_ID),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('operationType', K.BYTE, 1),
      f('timeout', K.LONG, 1),
      f('brokerPath', K.ARRAY, 1, R.BROKER_ID),
    ],
  },
  {
    type: T.REMOVE_SUBSCRIPTION_INFO,
    name: 'RemoveSubscriptionInfo',
    fields: [
      ...BASE_COMMAND,
      f('connectionId', K.CACHED, 1, R.CONNECTION_ID),
      f('subscriptionName', K.STRING, 1),
      f('clientId', K.STRING, 1),
    ],
  },
  { type: T.KEEP_ALIVE_INFO, name: 'KeepAliveInfo', fields: [...BASE_COMMAND] },
  { type: T.SHUTDOWN_INFO, name: 'ShutdownInfo', fields: [...BASE_COMMAND] },
  {
    type: T.REMOVE_INFO,
    name: 'RemoveInfo',
    fields: [...BASE_COMMAND, f('objectId', K.CACHED, 1, R.ANY), f('lastDeliveredSequenceId', K.LONG, 5)],
  },
  { type: T.CONTROL_COMMAND, name: 'ControlCommand', fields: [...BASE_COMMAND, f('command', K.STRING, 1)] },
  { type: T.FLUSH_COMMAND, name: 'FlushCommand', fields: [...BASE_COMMAND] },
  {
    type: T.CONNECTION_ERROR,
    name: 'ConnectionError',
    fields: [...BASE_COMMAND, f('exception', K.THROWABLE, 1), f('connectionId', K.NESTED, 1, R.CONNECTION_ID)],
  },
  {
    type: T.CONSUMER_CONTROL,
    name: 'ConsumerControl',
    fields: [
      ...BASE_COMMAND,
      f('destination', K.NESTED, 6, R.DESTINATION),
      f('close', K.BOOL, 1),
      f('consumerId', K.NESTED, 1, R.CONSUMER_ID),
      f('prefetch', K.INT, 1),
      f('flush', K.BOOL, 2),
      f('start', K.BOOL, 2),
      f('stop', K.BOOL, 2),
    ],
  },
  {
    type: T.CONNECTION_CONTROL,
    name: 'ConnectionControl',
    fields: [
      ...BASE_COMMAND,
      f('close', K.BOOL, 1),
      f('exit', K.BOOL, 1),
      f('faultTolerant', K.BOOL, 1),
      f('resume', K.BOOL, 1),
      f('suspend', K.BOOL, 1),
      f('connectedBrokers', K.STRING, 6),
      f('reconnectTo', K.STRING, 6),
      f('rebalanceConnection', K.BOOL, 6),
      f('token', K.BYTES, 8),
    ],
  },
  {
    type: T.PRODUCER_ACK,
    name: 'ProducerAck',
    since: 3,
    fields: [...BASE_COMMAND, f('producerId', K.NESTED, 3, R.PRODUCER_ID), f('size', K.INT, 3)],
  },
  {
    type: T.MESSAGE_PULL,
    name: 'MessagePull',
    since: 2,
    fields: [
      ...BASE_COMMAND,
      f('consumerId', K.CACHED, 2, R.CONSUMER_ID),
      f('destination', K.CACHED, 2, R.DESTINATION),
      f('timeout', K.LONG, 2),
      f('correlationId', K.STRING, 3),
      f('messageId', K.NESTED, 3, R.MESSAGE_ID),
    ],
  },
  {
    type: T.MESSAGE_DISPATCH,
    name: 'MessageDispatch',
    fields: [
      ...BASE_COMMAND,
      f('consumerId', K.CACHED, 1, R.CONSUMER_ID),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('message', K.NESTED, 1, R.MESSAGE),
      f('redeliveryCounter', K.INT, 1),
    ],
  },
  {
    type: T.MESSAGE_ACK,
    name: 'MessageAck',
    fields: [
      ...BASE_COMMAND,
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('transactionId', K.CACHED, 1, R.TRANSACTION_ID),
      f('consumerId', K.CACHED, 1, R.CONSUMER_ID),
      f('ackType', K.BYTE, 1),
      f('firstMessageId', K.NESTED, 1, R.MESSAGE_ID),
      f('lastMessageId', K.NESTED, 1, R.MESSAGE_ID),
      f('messageCount', K.INT, 1),
      f('poisonCause', K.THROWABLE, 7),
    ],
  },
  { type: T.ACTIVEMQ_MESSAGE, name: 'ActiveMQMessage', marshalAware: true, fields: MESSAGE },
  { type: T.ACTIVEMQ_BYTES_MESSAGE, name: 'ActiveMQBytesMessage', marshalAware: true, fields: MESSAGE },
  { type: T.ACTIVEMQ_MAP_MESSAGE, name: 'ActiveMQMapMessage', marshalAware: true, fields: MESSAGE },
  { type: T.ACTIVEMQ_OBJECT_MESSAGE, name: 'ActiveMQObjectMessage', marshalAware: true, fields: MESSAGE },
  { type: T.ACTIVEMQ_STREAM_MESSAGE, name: 'ActiveMQStreamMessage', marshalAware: true, fields: MESSAGE },
  { type: T.ACTIVEMQ_TEXT_MESSAGE, name: 'ActiveMQTextMessage', marshalAware: true, fields: MESSAGE },
  {
    type: T.ACTIVEMQ_BLOB_MESSAGE,
    name: 'ActiveMQBlobMessage',
    since: 3,
    marshalAware: true,
    fields: [...MESSAGE, f('remoteBlobUrl', K.STRING, 3), f('mimeType', K.STRING, 3), f('deletedByBroker', K.BOOL, 3)],
  },
  { type: T.RESPONSE, name: 'Response', fields: RESPONSE },
  { type: T.EXCEPTION_RESPONSE, name: 'ExceptionResponse', fields: [...RESPONSE, f('exception', K.THROWABLE, 1)] },
  { type: T.DATA_RESPONSE, name: 'DataResponse', fields: [...RESPONSE, f('data', K.NESTED, 1, R.ANY)] },
  { type: T.DATA_ARRAY_RESPONSE, name: 'DataArrayResponse', fields: [...RESPONSE, f('data', K.ARRAY, 1, R.ANY)] },
  { type: T.INTEGER_RESPONSE, name: 'IntegerResponse', fields: [...RESPONSE, f('result', K.INT, 1)] },
  {
    type: T.DISCOVERY_EVENT,
    name: 'DiscoveryEvent',
    fields: [f('serviceName', K.STRING, 1), f('brokerName', K.STRING, 1)],
  },
  {
    type: T.JOURNAL_ACK,
    name: 'JournalTopicAck',
    fields: [
      f('destination', K.NESTED, 1, R.DESTINATION),
      f('messageId', K.NESTED, 1, R.MESSAGE_ID),
      f('messageSequenceId', K.LONG, 1),
      f('subscritionName', K.STRING, 1),
      f('clientId', K.STRING, 1),
      f('transactionId', K.NESTED, 1, R.TRANSACTION_ID),
    ],
  },
  {
    type: T.JOURNAL_REMOVE,
    name: 'JournalQueueAck',
    fields: [f('destination', K.NESTED, 1, R.DESTINATION), f('messageAck', K.NESTED, 1, R.MESSAGE_ACK)],
  },
  { type: T.JOURNAL_TRACE, name: 'JournalTrace', fields: [f('message', K.STRING, 1)] },
  {
    type: T.JOURNAL_TRANSACTION,
    name: 'JournalTransaction',
    fields: [
      f('transactionId', K.NESTED, 1, R.TRANSACTION_ID),
      f('transactionType', K.BYTE, 1),
      f('wasPrepared', K.BOOL, 1),
    ],
  },
  {
    type: T.DURABLE_SUBSCRIPTION_INFO,
    name: 'SubscriptionInfo',
    fields: [
      f('clientId', K.STRING, 1),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('selector', K.STRING, 1),
      f('subscriptionName', K.STRING, 1),
      f('subscribedDestination', K.NESTED, 3, R.DESTINATION),
      f('noLocal', K.BOOL, 11),
    ],
  },
  { type: T.PARTIAL_COMMAND, name: 'PartialCommand', fields: PARTIAL },
  { type: T.PARTIAL_LAST_COMMAND, name: 'LastPartialCommand', fields: PARTIAL },
  {
    type: T.REPLAY,
    name: 'ReplayCommand',
    fields: [...BASE_COMMAND, f('firstNakNumber', K.INT, 1), f('lastNakNumber', K.INT, 1)],
  },
  {
    type: T.MESSAGE_DISPATCH_NOTIFICATION,
    name: 'MessageDispatchNotification',
    fields: [
      ...BASE_COMMAND,
      f('consumerId', K.CACHED, 1, R.CONSUMER_ID),
      f('destination', K.CACHED, 1, R.DESTINATION),
      f('deliverySequenceId', K.LONG, 1),
      f('messageId', K.NESTED, 1, R.MESSAGE_ID),
    ],
  },
  {
    type: T.NETWORK_BRIDGE_FILTER,
    name: 'NetworkBridgeFilter',
    fields: [
      // v10 replaced networkTTL (written before the broker id) with messageTTL and consumerTTL (after it).
      f('networkTTL', K.INT, 1, null, 10),
      f('networkBrokerId', K.CACHED, 1, R.BROKER_ID),
      f('messageTTL', K.INT, 10),
      f('consumerTTL', K.INT, 10),
    ],
  },
  {
    type: T.BROKER_SUBSCRIPTION_INFO,
    name: 'BrokerSubscriptionInfo',
    since: 12,
    fields: [
      ...BASE_COMMAND,
      f('brokerId', K.NESTED, 12, R.BROKER_ID),
      f('brokerName', K.STRING, 12),
      f('subscriptionInfos', K.ARRAY, 12, R.CONSUMER_INFO),
    ],
  },
  { type: T.ACTIVEMQ_QUEUE, name: 'ActiveMQQueue', fields: DESTINATION },
  { type: T.ACTIVEMQ_TOPIC, name: 'ActiveMQTopic', fields: DESTINATION },
  { type: T.ACTIVEMQ_TEMP_QUEUE, name: 'ActiveMQTempQueue', fields: DESTINATION },
  { type: T.ACTIVEMQ_TEMP_TOPIC, name: 'ActiveMQTempTopic', fields: DESTINATION },
  {
    type: T.MESSAGE_ID,
    name: 'MessageId',
    fields: [
      f('textView', K.STRING, 10),
      f('producerId', K.CACHED, 1, R.PRODUCER_ID),
      f('producerSequenceId', K.LONG, 1),
      f('brokerSequenceId', K.LONG, 1),
    ],
  },
  {
    type: T.ACTIVEMQ_LOCAL_TRANSACTION_ID,
    name: 'LocalTransactionId',
    fields: [f('value', K.LONG, 1), f('connectionId', K.CACHED, 1, R.CONNECTION_ID)],
  },
  {
    type: T.ACTIVEMQ_XA_TRANSACTION_ID,
    name: 'XATransactionId',
    fields: [f('formatId', K.INT, 1), f('globalTransactionId', K.BYTES, 1), f('branchQualifier', K.BYTES, 1)],
  },
  { type: T.CONNECTION_ID, name: 'ConnectionId', fields: [f('value', K.STRING, 1)] },
  {
    type: T.SESSION_ID,
    name: 'SessionId',
    fields: [f('connectionId', K.STRING, 1), f('value', K.LONG, 1)],
  },
  {
    type: T.CONSUMER_ID,
    name: 'ConsumerId',
    fields: [f('connectionId', K.STRING, 1), f('sessionId', K.LONG, 1), f('value', K.LONG, 1)],
  },
  {
    type: T.PRODUCER_ID,
    name: 'ProducerId',
    fields: [f('connectionId', K.STRING, 1), f('value', K.LONG, 1), f('sessionId', K.LONG, 1)],
  },
  { type: T.BROKER_ID, name: 'BrokerId', fields: [f('value', K.STRING, 1)] },
];

function build(def: Def): TypeSpec {
  const since = def.since ?? 1;
  const byVersion: (readonly FieldSpec[] | null)[] = [null];
  for (let v = 1; v <= MAX_OPENWIRE_VERSION; v++) {
    byVersion.push(v < since ? null : def.fields.filter((x) => x.since <= v && v < x.until));
  }
  return {
    type: def.type,
    name: def.name,
    since,
    marshalAware: def.marshalAware === true,
    isCommand: def.fields[0] === BASE_COMMAND[0],
    fields: def.fields,
    byVersion,
  };
}

/** Type number → spec; undefined for numbers no version defines. */
export const SPECS: readonly (TypeSpec | undefined)[] = (() => {
  const out: (TypeSpec | undefined)[] = new Array<TypeSpec | undefined>(256).fill(undefined);
  for (const d of DEFS) {
    out[d.type] = build(d);
    R.ANY.set[d.type] = 1;
  }
  return out;
})();

export function specOf(type: number): TypeSpec | undefined {
  return SPECS[type & 0xff];
}

/** Every type the tables define, for tests and docs. */
export function allSpecs(): TypeSpec[] {
  return SPECS.filter((s): s is TypeSpec => s !== undefined);
}
