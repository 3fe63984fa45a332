import type { T } from './types.js';

/**
 * OpenWire commands and data structures as plain objects: one interface per ActiveMQ class, `type` holding the
 * data structure type number. Field names are ActiveMQ's bean property names (misspellings included, so a field
 * can be looked up in the Java source), except where a property would clash with `type`: Message.type is
 * `jmsType`, TransactionInfo.type and JournalTransaction.type are `transactionType`.
 *
 * Java `long` fields are `number`: every long OpenWire carries (ids, sequence numbers, epoch milliseconds, sizes)
 * fits in 2^53. A value beyond that decodes to the nearest double, and a number at or beyond 2^63 encodes as
 * Long.MAX_VALUE, so that sentinel round-trips.
 *
 * Any object or string field may be null on the wire; the types say so. Decoded objects always carry every field
 * of every version (absent ones at their Java default), so objects of one type share one shape.
 */

type TypeOf<K extends keyof typeof T> = (typeof T)[K];

// ----------------------------------------------------------------------------------------------- ids

export interface ConnectionId {
  type: TypeOf<'CONNECTION_ID'>;
  value: string | null;
}

export interface SessionId {
  type: TypeOf<'SESSION_ID'>;
  connectionId: string | null;
  value: number;
}

export interface ConsumerId {
  type: TypeOf<'CONSUMER_ID'>;
  connectionId: string | null;
  sessionId: number;
  value: number;
}

export interface ProducerId {
  type: TypeOf<'PRODUCER_ID'>;
  connectionId: string | null;
  value: number;
  sessionId: number;
}

export interface BrokerId {
  type: TypeOf<'BROKER_ID'>;
  value: string | null;
}

export interface MessageId {
  type: TypeOf<'MESSAGE_ID'>;
  /** v10+: a producer-supplied id string (JMSMessageID set from outside), shown instead of the computed one. */
  textView: string | null;
  producerId: ProducerId | null;
  producerSequenceId: number;
  brokerSequenceId: number;
}

export interface LocalTransactionId {
  type: TypeOf<'ACTIVEMQ_LOCAL_TRANSACTION_ID'>;
  value: number;
  connectionId: ConnectionId | null;
}

export interface XATransactionId {
  type: TypeOf<'ACTIVEMQ_XA_TRANSACTION_ID'>;
  formatId: number;
  globalTransactionId: Uint8Array | null;
  branchQualifier: Uint8Array | null;
}

export type TransactionId = LocalTransactionId | XATransactionId;

// ----------------------------------------------------------------------------------------------- destinations

export type DestinationTypeNumber =
  TypeOf<'ACTIVEMQ_QUEUE'> | TypeOf<'ACTIVEMQ_TOPIC'> | TypeOf<'ACTIVEMQ_TEMP_QUEUE'> | TypeOf<'ACTIVEMQ_TEMP_TOPIC'>;

/**
 * ActiveMQQueue / ActiveMQTopic / ActiveMQTempQueue / ActiveMQTempTopic. `physicalName` is kept exactly as
 * received, options (`?consumer.prefetchSize=…`) and composite `,` lists included.
 */
export interface ActiveMQDestination {
  type: DestinationTypeNumber;
  physicalName: string | null;
}

// ----------------------------------------------------------------------------------------------- commands

/** BaseCommand: what every command carries. */
export interface BaseCommand {
  commandId: number;
  responseRequired: boolean;
}

/** Not a BaseCommand: it has no command id on the wire. */
export interface WireFormatInfo {
  type: TypeOf<'WIREFORMAT_INFO'>;
  /** Always the 8 bytes `ActiveMQ`; decoding checks it. */
  magic: Uint8Array | null;
  version: number;
  /** The settings as a marshalled primitive map; see wireFormatInfoOptions(). */
  marshalledProperties: Uint8Array | null;
}

export interface BrokerInfo extends BaseCommand {
  type: TypeOf<'BROKER_INFO'>;
  brokerId: BrokerId | null;
  brokerURL: string | null;
  peerBrokerInfos: BrokerInfo[] | null;
  brokerName: string | null;
  slaveBroker: boolean;
  masterBroker: boolean;
  faultTolerantConfiguration: boolean;
  duplexConnection: boolean;
  networkConnection: boolean;
  connectionId: number;
  brokerUploadUrl: string | null;
  networkProperties: string | null;
}

export interface ConnectionInfo extends BaseCommand {
  type: TypeOf<'CONNECTION_INFO'>;
  connectionId: ConnectionId | null;
  clientId: string | null;
  password: string | null;
  userName: string | null;
  brokerPath: BrokerId[] | null;
  brokerMasterConnector: boolean;
  manageable: boolean;
  clientMaster: boolean;
  faultTolerant: boolean;
  failoverReconnect: boolean;
  clientIp: string | null;
}

export interface SessionInfo extends BaseCommand {
  type: TypeOf<'SESSION_INFO'>;
  sessionId: SessionId | null;
}

export interface ConsumerInfo extends BaseCommand {
  type: TypeOf<'CONSUMER_INFO'>;
  consumerId: ConsumerId | null;
  browser: boolean;
  destination: ActiveMQDestination | null;
  prefetchSize: number;
  maximumPendingMessageLimit: number;
  dispatchAsync: boolean;
  selector: string | null;
  /** v10+. */
  clientId: string | null;
  subscriptionName: string | null;
  noLocal: boolean;
  exclusive: boolean;
  retroactive: boolean;
  priority: number;
  brokerPath: BrokerId[] | null;
  additionalPredicate: NetworkBridgeFilter | null;
  networkSubscription: boolean;
  optimizedAcknowledge: boolean;
  noRangeAcks: boolean;
  networkConsumerPath: ConsumerId[] | null;
}

export interface ProducerInfo extends BaseCommand {
  type: TypeOf<'PRODUCER_INFO'>;
  producerId: ProducerId | null;
  destination: ActiveMQDestination | null;
  brokerPath: BrokerId[] | null;
  dispatchAsync: boolean;
  windowSize: number;
}

export interface TransactionInfo extends BaseCommand {
  type: TypeOf<'TRANSACTION_INFO'>;
  connectionId: ConnectionId | null;
  transactionId: TransactionId | null;
  /** TransactionInfo.type: BEGIN, PREPARE, COMMIT_ONE_PHASE, … (see TransactionType). */
  transactionType: number;
}

export interface DestinationInfo extends BaseCommand {
  type: TypeOf<'DESTINATION_INFO'>;
  connectionId: ConnectionId | null;
  destination: ActiveMQDestination | null;
  operationType: number;
  timeout: number;
  brokerPath: BrokerId[] | null;
}

export interface RemoveSubscriptionInfo extends BaseCommand {
  type: TypeOf<'REMOVE_SUBSCRIPTION_INFO'>;
  connectionId: ConnectionId | null;
  /** Java's getter is getSubcriptionName() from v6 on; the wire field is the same. */
  subscriptionName: string | null;
  clientId: string | null;
}

export interface KeepAliveInfo extends BaseCommand {
  type: TypeOf<'KEEP_ALIVE_INFO'>;
}

export interface ShutdownInfo extends BaseCommand {
  type: TypeOf<'SHUTDOWN_INFO'>;
}

export interface RemoveInfo extends BaseCommand {
  type: TypeOf<'REMOVE_INFO'>;
  /** The id of what is removed: ConnectionId, SessionId, ConsumerId or ProducerId. */
  objectId: DataStructure | null;
  lastDeliveredSequenceId: number;
}

export interface ControlCommand extends BaseCommand {
  type: TypeOf<'CONTROL_COMMAND'>;
  command: string | null;
}

export interface FlushCommand extends BaseCommand {
  type: TypeOf<'FLUSH_COMMAND'>;
}

export interface ConnectionError extends BaseCommand {
  type: TypeOf<'CONNECTION_ERROR'>;
  exception: ThrowableInfo | null;
  connectionId: ConnectionId | null;
}

export interface ConsumerControl extends BaseCommand {
  type: TypeOf<'CONSUMER_CONTROL'>;
  destination: ActiveMQDestination | null;
  close: boolean;
  consumerId: ConsumerId | null;
  prefetch: number;
  flush: boolean;
  start: boolean;
  stop: boolean;
}

export interface ConnectionControl extends BaseCommand {
  type: TypeOf<'CONNECTION_CONTROL'>;
  close: boolean;
  exit: boolean;
  faultTolerant: boolean;
  resume: boolean;
  suspend: boolean;
  connectedBrokers: string | null;
  reconnectTo: string | null;
  rebalanceConnection: boolean;
  token: Uint8Array | null;
}

export interface ProducerAck extends BaseCommand {
  type: TypeOf<'PRODUCER_ACK'>;
  producerId: ProducerId | null;
  size: number;
}

export interface MessagePull extends BaseCommand {
  type: TypeOf<'MESSAGE_PULL'>;
  consumerId: ConsumerId | null;
  destination: ActiveMQDestination | null;
  timeout: number;
  correlationId: string | null;
  messageId: MessageId | null;
}

export interface MessageDispatch extends BaseCommand {
  type: TypeOf<'MESSAGE_DISPATCH'>;
  consumerId: ConsumerId | null;
  destination: ActiveMQDestination | null;
  message: Message | null;
  redeliveryCounter: number;
}

export interface MessageAck extends BaseCommand {
  type: TypeOf<'MESSAGE_ACK'>;
  destination: ActiveMQDestination | null;
  transactionId: TransactionId | null;
  consumerId: ConsumerId | null;
  ackType: number;
  firstMessageId: MessageId | null;
  lastMessageId: MessageId | null;
  messageCount: number;
  /** v7+. */
  poisonCause: ThrowableInfo | null;
}

export type MessageTypeNumber =
  | TypeOf<'ACTIVEMQ_MESSAGE'>
  | TypeOf<'ACTIVEMQ_BYTES_MESSAGE'>
  | TypeOf<'ACTIVEMQ_MAP_MESSAGE'>
  | TypeOf<'ACTIVEMQ_OBJECT_MESSAGE'>
  | TypeOf<'ACTIVEMQ_STREAM_MESSAGE'>
  | TypeOf<'ACTIVEMQ_TEXT_MESSAGE'>
  | TypeOf<'ACTIVEMQ_BLOB_MESSAGE'>;

/**
 * ActiveMQMessage and its body kinds (Bytes 24, Map 25, Object 26, Stream 27, Text 28, Blob 29 — they differ
 * only in how `content` is to be read; Blob adds three fields). `content` and `marshalledProperties` are views
 * into the received frame: nothing is copied or decoded on the way through the broker.
 */
export interface Message extends BaseCommand {
  type: MessageTypeNumber;
  producerId: ProducerId | null;
  destination: ActiveMQDestination | null;
  transactionId: TransactionId | null;
  originalDestination: ActiveMQDestination | null;
  messageId: MessageId | null;
  originalTransactionId: TransactionId | null;
  groupID: string | null;
  groupSequence: number;
  correlationId: string | null;
  persistent: boolean;
  expiration: number;
  priority: number;
  replyTo: ActiveMQDestination | null;
  timestamp: number;
  /** Message.type (JMSType). */
  jmsType: string | null;
  content: Uint8Array | null;
  marshalledProperties: Uint8Array | null;
  dataStructure: DataStructure | null;
  targetConsumerId: ConsumerId | null;
  compressed: boolean;
  redeliveryCounter: number;
  brokerPath: BrokerId[] | null;
  arrival: number;
  userID: string | null;
  recievedByDFBridge: boolean;
  droppable: boolean;
  cluster: BrokerId[] | null;
  brokerInTime: number;
  brokerOutTime: number;
  /** v10+. */
  jmsxGroupFirstForConsumer: boolean;
  /** ActiveMQBlobMessage (29) only; absent on the other kinds. */
  remoteBlobUrl?: string | null;
  mimeType?: string | null;
  deletedByBroker?: boolean;
}

export interface Response extends BaseCommand {
  type: TypeOf<'RESPONSE'>;
  correlationId: number;
}

export interface ExceptionResponse extends BaseCommand {
  type: TypeOf<'EXCEPTION_RESPONSE'>;
  correlationId: number;
  exception: ThrowableInfo | null;
}

export interface DataResponse extends BaseCommand {
  type: TypeOf<'DATA_RESPONSE'>;
  correlationId: number;
  data: DataStructure | null;
}

export interface DataArrayResponse extends BaseCommand {
  type: TypeOf<'DATA_ARRAY_RESPONSE'>;
  correlationId: number;
  data: (DataStructure | null)[] | null;
}

export interface IntegerResponse extends BaseCommand {
  type: TypeOf<'INTEGER_RESPONSE'>;
  correlationId: number;
  result: number;
}

/** Not a BaseCommand. */
export interface DiscoveryEvent {
  type: TypeOf<'DISCOVERY_EVENT'>;
  serviceName: string | null;
  brokerName: string | null;
}

/** SubscriptionInfo (DURABLE_SUBSCRIPTION_INFO, 55). Not a BaseCommand. */
export interface SubscriptionInfo {
  type: TypeOf<'DURABLE_SUBSCRIPTION_INFO'>;
  clientId: string | null;
  destination: ActiveMQDestination | null;
  selector: string | null;
  subscriptionName: string | null;
  subscribedDestination: ActiveMQDestination | null;
  /** v11+. */
  noLocal: boolean;
}

/** PartialCommand (60) and LastPartialCommand (61): fragments of a command split for UDP. Not BaseCommands. */
export interface PartialCommand {
  type: TypeOf<'PARTIAL_COMMAND'> | TypeOf<'PARTIAL_LAST_COMMAND'>;
  commandId: number;
  data: Uint8Array | null;
}

export interface ReplayCommand extends BaseCommand {
  type: TypeOf<'REPLAY'>;
  firstNakNumber: number;
  lastNakNumber: number;
}

export interface MessageDispatchNotification extends BaseCommand {
  type: TypeOf<'MESSAGE_DISPATCH_NOTIFICATION'>;
  consumerId: ConsumerId | null;
  destination: ActiveMQDestination | null;
  deliverySequenceId: number;
  messageId: MessageId | null;
}

/** The network bridge's consumer filter (a BooleanExpression, ConsumerInfo.additionalPredicate). */
export interface NetworkBridgeFilter {
  type: TypeOf<'NETWORK_BRIDGE_FILTER'>;
  /** v1–v9 only. */
  networkTTL: number;
  networkBrokerId: BrokerId | null;
  /** v10+. */
  messageTTL: number;
  /** v10+. */
  consumerTTL: number;
}

export interface BrokerSubscriptionInfo extends BaseCommand {
  type: TypeOf<'BROKER_SUBSCRIPTION_INFO'>;
  brokerId: BrokerId | null;
  brokerName: string | null;
  subscriptionInfos: ConsumerInfo[] | null;
}

// Journal records: store formats, kept because they share the type space (a DataResponse may carry anything).
export interface JournalTopicAck {
  type: TypeOf<'JOURNAL_ACK'>;
  destination: ActiveMQDestination | null;
  messageId: MessageId | null;
  messageSequenceId: number;
  subscritionName: string | null;
  clientId: string | null;
  transactionId: TransactionId | null;
}

export interface JournalQueueAck {
  type: TypeOf<'JOURNAL_REMOVE'>;
  destination: ActiveMQDestination | null;
  messageAck: MessageAck | null;
}

export interface JournalTrace {
  type: TypeOf<'JOURNAL_TRACE'>;
  message: string | null;
}

export interface JournalTransaction {
  type: TypeOf<'JOURNAL_TRANSACTION'>;
  transactionId: TransactionId | null;
  transactionType: number;
  wasPrepared: boolean;
}

// ----------------------------------------------------------------------------------------------- throwables

/**
 * A Java Throwable as OpenWire carries it. Decoding keeps these as strings: nothing is ever looked up or created
 * from `className`. `stackTrace` and `cause` travel only when the wire format has stackTraceEnabled.
 */
export interface ThrowableInfo {
  className: string | null;
  message: string | null;
  stackTrace: StackTraceElementInfo[] | null;
  cause: ThrowableInfo | null;
}

export interface StackTraceElementInfo {
  className: string | null;
  methodName: string | null;
  fileName: string | null;
  lineNumber: number;
}

// ----------------------------------------------------------------------------------------------- unions

export type Command =
  | WireFormatInfo
  | BrokerInfo
  | ConnectionInfo
  | SessionInfo
  | ConsumerInfo
  | ProducerInfo
  | TransactionInfo
  | DestinationInfo
  | RemoveSubscriptionInfo
  | KeepAliveInfo
  | ShutdownInfo
  | RemoveInfo
  | ControlCommand
  | FlushCommand
  | ConnectionError
  | ConsumerControl
  | ConnectionControl
  | ProducerAck
  | MessagePull
  | MessageDispatch
  | MessageAck
  | Message
  | Response
  | ExceptionResponse
  | DataResponse
  | DataArrayResponse
  | IntegerResponse
  | ReplayCommand
  | MessageDispatchNotification
  | BrokerSubscriptionInfo
  | DiscoveryEvent
  | PartialCommand;

export type DataStructure =
  | Command
  | ConnectionId
  | SessionId
  | ConsumerId
  | ProducerId
  | BrokerId
  | MessageId
  | TransactionId
  | ActiveMQDestination
  | SubscriptionInfo
  | NetworkBridgeFilter
  | JournalTopicAck
  | JournalQueueAck
  | JournalTrace
  | JournalTransaction;
