/**
 * Data structure type numbers (ActiveMQ's CommandTypes.java). Every OpenWire object starts with one of these.
 */
export const T = {
  NULL: 0,
  WIREFORMAT_INFO: 1,
  BROKER_INFO: 2,
  CONNECTION_INFO: 3,
  SESSION_INFO: 4,
  CONSUMER_INFO: 5,
  PRODUCER_INFO: 6,
  TRANSACTION_INFO: 7,
  DESTINATION_INFO: 8,
  REMOVE_SUBSCRIPTION_INFO: 9,
  KEEP_ALIVE_INFO: 10,
  SHUTDOWN_INFO: 11,
  REMOVE_INFO: 12,
  CONTROL_COMMAND: 14,
  FLUSH_COMMAND: 15,
  CONNECTION_ERROR: 16,
  CONSUMER_CONTROL: 17,
  CONNECTION_CONTROL: 18,
  PRODUCER_ACK: 19,
  MESSAGE_PULL: 20,
  MESSAGE_DISPATCH: 21,
  MESSAGE_ACK: 22,
  ACTIVEMQ_MESSAGE: 23,
  ACTIVEMQ_BYTES_MESSAGE: 24,
  ACTIVEMQ_MAP_MESSAGE: 25,
  ACTIVEMQ_OBJECT_MESSAGE: 26,
  ACTIVEMQ_STREAM_MESSAGE: 27,
  ACTIVEMQ_TEXT_MESSAGE: 28,
  ACTIVEMQ_BLOB_MESSAGE: 29,
  RESPONSE: 30,
  EXCEPTION_RESPONSE: 31,
  DATA_RESPONSE: 32,
  DATA_ARRAY_RESPONSE: 33,
  INTEGER_RESPONSE: 34,
  DISCOVERY_EVENT: 40,
  JOURNAL_ACK: 50,
  JOURNAL_REMOVE: 52,
  JOURNAL_TRACE: 53,
  JOURNAL_TRANSACTION: 54,
  DURABLE_SUBSCRIPTION_INFO: 55,
  PARTIAL_COMMAND: 60,
  PARTIAL_LAST_COMMAND: 61,
  REPLAY: 65,
  MESSAGE_DISPATCH_NOTIFICATION: 90,
  NETWORK_BRIDGE_FILTER: 91,
  BROKER_SUBSCRIPTION_INFO: 92,
  ACTIVEMQ_QUEUE: 100,
  ACTIVEMQ_TOPIC: 101,
  ACTIVEMQ_TEMP_QUEUE: 102,
  ACTIVEMQ_TEMP_TOPIC: 103,
  MESSAGE_ID: 110,
  ACTIVEMQ_LOCAL_TRANSACTION_ID: 111,
  ACTIVEMQ_XA_TRANSACTION_ID: 112,
  CONNECTION_ID: 120,
  SESSION_ID: 121,
  CONSUMER_ID: 122,
  PRODUCER_ID: 123,
  BROKER_ID: 124,
} as const;

export type DataStructureTypeName = keyof typeof T;

/** The highest OpenWire version this codec speaks (CommandTypes.PROTOCOL_VERSION). */
export const MAX_OPENWIRE_VERSION = 12;
/** The lowest: v1 is the first version ActiveMQ's marshaller tables define. */
export const MIN_OPENWIRE_VERSION = 1;

/** MessageAck.ackType values (MessageAck.java). */
export const AckType = {
  DELIVERED: 0,
  POISON: 1,
  STANDARD: 2,
  REDELIVERED: 3,
  INDIVIDUAL: 4,
  UNMATCHED: 5,
  EXPIRED: 6,
} as const;

/** TransactionInfo.type values (TransactionInfo.java). */
export const TransactionType = {
  BEGIN: 0,
  PREPARE: 1,
  COMMIT_ONE_PHASE: 2,
  COMMIT_TWO_PHASE: 3,
  ROLLBACK: 4,
  RECOVER: 5,
  FORGET: 6,
  END: 7,
} as const;

/** DestinationInfo.operationType values. */
export const DestinationOperation = {
  ADD: 0,
  REMOVE: 1,
} as const;

/** RemoveInfo.lastDeliveredSequenceId sentinels (RemoveInfo.java). */
export const LAST_DELIVERED_UNSET = -1;
export const LAST_DELIVERED_UNKNOWN = -2;
