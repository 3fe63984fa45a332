/**
 * The typed result of loading an activemq.xml: plain data, no behaviour. Names follow ActiveMQ's XML (and so
 * its Java properties) so a Classic user finds each setting under the name they already know; defaults are
 * ActiveMQ 5.17's (BrokerService, PolicyEntry, MessageDatabase, …), cited where they are not obvious.
 * Sizes are bytes, durations milliseconds, paths absolute.
 */

/** A destination as ActiveMQ's XML writes it: `<queue physicalName="A"/>`, `queue="A.>"`, `tempTopic="true"`. */
export interface DestinationRef {
  readonly type: 'queue' | 'topic' | 'tempQueue' | 'tempTopic';
  /** Physical name; may hold wildcards (`.`, `*`, `>`) or a comma-separated composite. `tempQueue="true"` gives ">". */
  readonly name: string;
  /**
   * Options after a `?` in the physical name, as ActiveMQDestination parses them; read only where TideMQ acts on
   * them (a network connector's destination lists: `forceDurable`).
   */
  readonly options?: Readonly<Record<string, string>>;
}

export interface BrokerConfig {
  /** The main configuration file, or null for a configuration built in code. */
  readonly source: string | null;

  /** Unique within a network of brokers; ActiveMQ replaces characters outside [a-zA-Z0-9._-:] with "_". */
  brokerName: string;
  /** Explicit broker id; null lets the broker generate one. */
  brokerId: string | null;
  /** Directory for the broker's data; ActiveMQ's default is "activemq-data" in the working directory. */
  dataDirectory: string;
  /** Where the scheduler keeps its store; default `<dataDirectory>/<brokerName>/scheduler`. */
  schedulerDirectory: string;
  /** Temporary storage for spooled non-persistent messages; default `<dataDirectory>/<brokerName>/tmp_storage`. */
  tmpDataDirectory: string;

  /** Store persistent messages (false forces the memory store). */
  persistent: boolean;
  /** Expose management views; TideMQ's management API reads this (there is no JMX). */
  useJmx: boolean;
  /** Honour AMQ_SCHEDULED_DELAY and friends; off by default, as in ActiveMQ. */
  schedulerSupport: boolean;
  /** At most this many repeats for a scheduled message (BrokerService.MAX_SCHEDULER_REPEAT_ALLOWED). */
  maxSchedulerRepeatAllowed: number;
  /** Publish advisory messages on ActiveMQ.Advisory.* topics. */
  advisorySupport: boolean;
  /** Also send advisories for anonymous producers. */
  anonymousProducerAdvisorySupport: boolean;
  /** Set JMSXUserID on every message sent, from the authenticated user. */
  populateJMSXUserID: boolean;
  /** With populateJMSXUserID: use the authenticated principal instead of the connection's user name. */
  useAuthenticatedPrincipalForJMSXUserID: boolean;
  /** How often (ms) to look for inactive destinations to remove (policy gcInactiveDestinations); 0 = never. */
  schedulePeriodForDestinationPurge: number;
  /** At most this many inactive destinations removed per sweep; 0 = no limit. */
  maxPurgedDestinationsPerSweep: number;
  /** Start the broker when the configuration is loaded (false: the embedding program starts it). */
  start: boolean;
  /** Remove durable subscriptions inactive this long (ms); -1 = keep them forever. */
  offlineDurableSubscriberTimeout: number;
  /** How often (ms) to check for expired offline durable subscribers. */
  offlineDurableSubscriberTaskSchedule: number;
  /** Delete every stored message at start-up (for tests). */
  deleteAllMessagesOnStartup: boolean;
  /** Keep durable subscriptions active across their consumers going away. */
  keepDurableSubsActive: boolean;
  /** Refuse durable subscribers. */
  rejectDurableConsumers: boolean;
  /** Collect destination and connection statistics. */
  enableStatistics: boolean;
  /** Treat topics named VirtualTopic.> as virtual topics when no interceptor is configured. */
  useVirtualTopics: boolean;
  /**
   * ActiveMQ's useVirtualDestSubs on <broker>: consumers of queues that a virtual topic or composite destination
   * feeds are also advertised on ActiveMQ.Advisory.VirtualDestination.Consumer.* (for network demand).
   */
  useVirtualDestSubs: boolean;
  /** ActiveMQ's useVirtualDestSubsOnCreation: with useVirtualDestSubs, a new consumer queue is demand at once. */
  useVirtualDestSubsOnCreation: boolean;
  /** Create a temporary destination on first send when it is unknown (networks without advisories). */
  allowTempAutoCreationOnSend: boolean;
  /** Keep temporary destinations of a closed connection for failover reconnects. */
  cacheTempDestinations: boolean;
  /** How long (ms) cached temporary destinations live. */
  timeBeforePurgeTempDestinations: number;
  /** Expire messages of durable subscriptions while their consumer is active. */
  enableMessageExpirationOnActiveDurableSubs: boolean;
  /** Give producers and consumers separate shares of systemUsage. */
  splitSystemUsageForProducersConsumers: boolean;
  /** Producers' share (percent) when split. */
  producerSystemUsagePortion: number;
  /** Consumers' share (percent) when split. */
  consumerSystemUsagePortion: number;
  /** Stop the broker cleanly on SIGTERM/SIGINT. */
  useShutdownHook: boolean;

  transportConnectors: TransportConnectorConfig[];
  networkConnectors: NetworkConnectorConfig[];
  /** The broker-wide TLS material for ssl://, stomp+ssl://, … connectors; null uses Node's defaults. */
  sslContext: SslContextConfig | null;
  /** In the order written: ActiveMQ installs plugins as filters in that order. */
  plugins: PluginConfig[];
  /** Per-destination policies; null when none are configured (every destination gets PolicyEntry defaults). */
  destinationPolicy: PolicyMapConfig | null;
  /** Virtual destinations from <destinationInterceptors><virtualDestinationInterceptor>. */
  virtualDestinations: VirtualDestinationConfig[];
  /** Destinations created at start-up (<destinations>). */
  destinations: DestinationRef[];
  persistenceAdapter: PersistenceAdapterConfig;
  systemUsage: SystemUsageConfig;
}

/** <transportConnector>: one listening endpoint. */
export interface TransportConnectorConfig {
  /** Connector name (ActiveMQ defaults it to the URI when absent). */
  name: string;
  /** The URI exactly as written (placeholders resolved); src/transport/uri parses it. */
  uri: string;
  /** Tell failover clients the cluster's broker URIs when they change. */
  updateClusterClients: boolean;
  /** Ask clients to reconnect elsewhere to rebalance the cluster. */
  rebalanceClusterClients: boolean;
  /** Also update clients when a broker leaves. */
  updateClusterClientsOnRemove: boolean;
  /** Comma-separated regular expressions of broker names to include in updates; null = all. */
  updateClusterFilter: string | null;
  /** Let a client with a client ID already in use take it over. */
  allowLinkStealing: boolean;
  /** Default consumers to synchronous dispatch. */
  disableAsyncDispatch: boolean;
  /** Include stack traces in errors sent to clients. */
  displayStackTrace: boolean;
  /** 0 = unlimited. */
  maximumConsumersAllowedPerConnection: number;
  /** 0 = unlimited. */
  maximumProducersAllowedPerConnection: number;
  /** Log a warning when a client closes its socket without saying goodbye. */
  warnOnRemoteClose: boolean;
  /** Check producers from networked brokers for duplicates. */
  auditNetworkProducers: boolean;
  /** Discovery URI to advertise this connector on (multicast://default), null for none. */
  discoveryUri: string | null;
}

/** <sslContext><sslContext …/></sslContext>: keystores in the Java formats ActiveMQ users have. */
export interface SslContextConfig {
  /** Path or URL of the key store (file:, classpath: as given); null = no server certificate. */
  keyStore: string | null;
  keyStorePassword: string | null;
  /** Password of the key inside the store when it differs from the store's. */
  keyStoreKeyPassword: string | null;
  /** "jks" by default, as in ActiveMQ's SpringSslContext; "pkcs12" is common. */
  keyStoreType: string;
  keyStoreAlgorithm: string | null;
  trustStore: string | null;
  trustStorePassword: string | null;
  trustStoreType: string;
  trustStoreAlgorithm: string | null;
  /** The JSSE protocol name ("TLS"). */
  protocol: string;
  /** Certificate revocation list path, or null. */
  crlPath: string | null;
}

// ----- plugins -----

export interface AuthenticationUserConfig {
  username: string;
  password: string;
  /** Group names, from the comma-separated `groups` attribute. */
  groups: string[];
}

export interface SimpleAuthenticationPluginConfig {
  readonly type: 'simpleAuthentication';
  users: AuthenticationUserConfig[];
  /** Let connections without credentials in as anonymousUser. */
  anonymousAccessAllowed: boolean;
  anonymousUser: string;
  anonymousGroup: string;
}

export interface JaasAuthenticationPluginConfig {
  /** jaasAuthenticationPlugin, jaasCertificateAuthenticationPlugin or jaasDualAuthenticationPlugin. */
  readonly type: 'jaasAuthentication' | 'jaasCertificateAuthentication' | 'jaasDualAuthentication';
  /** Name of the login.config entry ("activemq" by default). */
  configuration: string;
  /** Dual only: the entry for SSL connections ("activemq-ssl" by default). */
  sslConfiguration: string | null;
  /** Look for login.config on the classpath (the conf directory) when java.security.auth.login.config is unset. */
  discoverLoginConfig: boolean;
  /**
   * The JAAS login configuration file: the java.security.auth.login.config property (-D) when given, else
   * login.config in the configuration's folder (what ActiveMQ's launcher passes, and what discovery finds on its
   * classpath); null when neither applies (discoverLoginConfig="false" and no property).
   */
  loginConfig: string | null;
}

export interface AuthorizationEntryConfig {
  /** Destinations matched; null for the defaultEntry and tempDestinationAuthorizationEntry without one. */
  destination: DestinationRef | null;
  /** Group names allowed to consume/browse. */
  read: string[];
  /** Group names allowed to produce. */
  write: string[];
  /** Group names allowed to create and remove destinations. */
  admin: string[];
}

export interface AuthorizationPluginConfig {
  readonly type: 'authorization';
  entries: AuthorizationEntryConfig[];
  defaultEntry: AuthorizationEntryConfig | null;
  /** Rights over temporary destinations (ActiveMQ's tempDestinationAuthorizationEntry). */
  tempDestinationAuthorizationEntry: AuthorizationEntryConfig | null;
}

export interface RedeliveryPolicyConfig {
  /** null on the defaultEntry. */
  destination: DestinationRef | null;
  /** -1 = forever; ActiveMQ's RedeliveryPolicy default is 6. */
  maximumRedeliveries: number;
  initialRedeliveryDelay: number;
  redeliveryDelay: number;
  useExponentialBackOff: boolean;
  backOffMultiplier: number;
  /** Cap for exponential back-off; -1 = none. */
  maximumRedeliveryDelay: number;
  useCollisionAvoidance: boolean;
  collisionAvoidancePercent: number;
  preDispatchCheck: boolean;
}

export interface RedeliveryPluginConfig {
  readonly type: 'redelivery';
  /** Use the dead letter strategy when no policy matches (instead of redelivering forever). */
  fallbackToDeadLetter: boolean;
  /** Send to the DLQ after maximumRedeliveries. */
  sendToDlqIfMaxRetriesExceeded: boolean;
  entries: RedeliveryPolicyConfig[];
  defaultEntry: RedeliveryPolicyConfig | null;
}

export interface TimeStampingBrokerPluginConfig {
  readonly type: 'timeStamping';
  /** Expiration given to messages sent without one (ms from the broker time); 0 = leave them unexpiring. */
  zeroExpirationOverride: number;
  /** Maximum time to live (ms); 0 = no ceiling. */
  ttlCeiling: number;
  /** Only move timestamps forwards (ignore clients whose clock runs ahead). */
  futureOnly: boolean;
  /** Also restamp messages arriving over network bridges. */
  processNetworkMessages: boolean;
}

export interface StatisticsBrokerPluginConfig {
  readonly type: 'statistics';
}

export interface LoggingBrokerPluginConfig {
  readonly type: 'logging';
  logAll: boolean;
  logConnectionEvents: boolean;
  logSessionEvents: boolean;
  logTransactionEvents: boolean;
  logConsumerEvents: boolean;
  logProducerEvents: boolean;
  logInternalEvents: boolean;
  perDestinationLogger: boolean;
}

export interface DiscardingDLQBrokerPluginConfig {
  readonly type: 'discardingDLQ';
  /** Drop every dead letter. */
  dropAll: boolean;
  dropTemporaryQueues: boolean;
  dropTemporaryTopics: boolean;
  /** Space-separated destination names or regular expressions to drop; null = per dropAll. */
  dropOnly: string | null;
  /** Log a summary every this many dropped messages; 0 = never. */
  reportInterval: number;
}

export interface ForcePersistencyModeBrokerPluginConfig {
  readonly type: 'forcePersistencyMode';
  /** The delivery mode every message gets (true = persistent). */
  persistenceFlag: boolean;
}

export type PluginConfig =
  | SimpleAuthenticationPluginConfig
  | JaasAuthenticationPluginConfig
  | AuthorizationPluginConfig
  | RedeliveryPluginConfig
  | TimeStampingBrokerPluginConfig
  | StatisticsBrokerPluginConfig
  | LoggingBrokerPluginConfig
  | DiscardingDLQBrokerPluginConfig
  | ForcePersistencyModeBrokerPluginConfig;

// ----- destination policy -----

/** Where dead letters go. ActiveMQ's default is a shared strategy to ActiveMQ.DLQ. */
export type DeadLetterStrategyConfig =
  | {
      readonly type: 'shared';
      /** The DLQ (ActiveMQ.DLQ unless a deadLetterQueue is given). */
      deadLetterQueue: DestinationRef;
      processExpired: boolean;
      processNonPersistent: boolean;
      /** Expiration (ms) given to dead letters; 0 = none. */
      expiration: number;
      enableAudit: boolean;
    }
  | {
      readonly type: 'individual';
      /** Prefix of per-destination DLQs for queue messages ("ActiveMQ.DLQ.Queue."). */
      queuePrefix: string;
      queueSuffix: string;
      /** Prefix for topic messages ("ActiveMQ.DLQ.Topic."). */
      topicPrefix: string;
      topicSuffix: string;
      useQueueForQueueMessages: boolean;
      useQueueForTopicMessages: boolean;
      destinationPerDurableSubscriber: boolean;
      processExpired: boolean;
      processNonPersistent: boolean;
      expiration: number;
      enableAudit: boolean;
    }
  | {
      readonly type: 'discarding';
      processExpired: boolean;
      processNonPersistent: boolean;
    };

export type PendingMessageLimitStrategyConfig =
  { readonly type: 'constant'; limit: number } | { readonly type: 'prefetchRate'; multiplier: number };

export type SubscriptionRecoveryPolicyConfig =
  | { readonly type: 'fixedCount'; maximumSize: number }
  | { readonly type: 'fixedSized'; maximumSize: number; useSharedBuffer: boolean }
  | { readonly type: 'lastImage' }
  | { readonly type: 'none' }
  | { readonly type: 'timed'; recoverDuration: number }
  | { readonly type: 'queryBased'; query: string | null }
  | { readonly type: 'retainedMessage'; wrapped: SubscriptionRecoveryPolicyConfig | null };

export type MessageGroupMapFactoryConfig =
  | { readonly type: 'cached'; cacheSize: number }
  | { readonly type: 'simple' }
  | { readonly type: 'hashBucket'; bucketCount: number; cacheSize: number };

export type SlowConsumerStrategyConfig = {
  readonly type: 'abortSlowConsumer' | 'abortSlowAckConsumer';
  /** Abort the whole connection rather than only the consumer. */
  abortConnection: boolean;
  checkPeriod: number;
  maxSlowCount: number;
  maxSlowDuration: number;
  ignoreNetworkConsumers: boolean;
  /** abortSlowAckConsumer only: a consumer is slow when it has not acked for this long (ms). */
  maxTimeSinceLastAck: number | null;
  /** abortSlowAckConsumer only. */
  ignoreIdleConsumers: boolean | null;
};

export type DispatchPolicyConfig =
  'roundRobin' | 'simple' | 'strictOrder' | 'priority' | 'clientIdFilter' | 'priorityNetwork';

/** <policyEntry>: settings for the destinations it matches. One entry applies per destination: the most specific. */
export interface PolicyEntryConfig {
  /** Destinations matched; null on the defaultEntry or an entry for all temps. */
  destination: DestinationRef | null;
  producerFlowControl: boolean;
  /** Per-destination memory limit in bytes; 0 = share the broker's. */
  memoryLimit: number;
  queuePrefetch: number;
  queueBrowserPrefetch: number;
  topicPrefetch: number;
  durableTopicPrefetch: number;
  prioritizedMessages: boolean;
  /** Messages paged into memory per destination (BaseDestination.MAX_PAGE_SIZE = 200). */
  maxPageSize: number;
  maxBrowsePageSize: number;
  /** How often (ms) to expire messages; 0 = never. */
  expireMessagesPeriod: number;
  maxExpirePageSize: number;
  gcInactiveDestinations: boolean;
  gcWithNetworkConsumers: boolean;
  inactiveTimeoutBeforeGC: number;
  advisoryForSlowConsumers: boolean;
  advisoryForFastProducers: boolean;
  advisoryForDiscardingMessages: boolean;
  advisoryWhenFull: boolean;
  advisoryForDelivery: boolean;
  advisoryForConsumed: boolean;
  includeBodyForAdvisory: boolean;
  sendAdvisoryIfNoConsumers: boolean;
  useCache: boolean;
  optimizedDispatch: boolean;
  lazyDispatch: boolean;
  strictOrderDispatch: boolean;
  useConsumerPriority: boolean;
  allConsumersExclusiveByDefault: boolean;
  alwaysRetroactive: boolean;
  persistJMSRedelivered: boolean;
  enableAudit: boolean;
  maxAuditDepth: number;
  maxProducersToAudit: number;
  maxQueueAuditDepth: number;
  cursorMemoryHighWaterMark: number;
  storeUsageHighWaterMark: number;
  blockedProducerWarningInterval: number;
  timeBeforeDispatchStarts: number;
  consumersBeforeDispatchStarts: number;
  /** -1 = no limit. */
  maxDestinations: number;
  /** null = use systemUsage's setting. */
  sendFailIfNoSpace: boolean | null;
  /** null = use systemUsage's setting. */
  sendFailIfNoSpaceAfterTimeout: number | null;
  deadLetterStrategy: DeadLetterStrategyConfig;
  pendingMessageLimitStrategy: PendingMessageLimitStrategyConfig | null;
  subscriptionRecoveryPolicy: SubscriptionRecoveryPolicyConfig | null;
  messageGroupMapFactory: MessageGroupMapFactoryConfig;
  slowConsumerStrategy: SlowConsumerStrategyConfig | null;
  /** `<networkBridgeFilterFactory>`: conditionalNetworkBridgeFilterFactory's settings; null = the default filter. */
  networkBridgeFilterFactory: {
    replayWhenNoConsumers: boolean;
    replayDelay: number;
    rateLimit: number;
    rateDuration: number;
  } | null;
  /** Topic dispatch; null = ActiveMQ's default (simple). */
  dispatchPolicy: DispatchPolicyConfig | null;
  /** `<pendingQueuePolicy>`: storeCursor (default), vmQueueCursor, fileQueueCursor. */
  pendingQueuePolicy: 'store' | 'vm' | 'file';
  /** `<pendingDurableSubscriberPolicy>`: storeDurableSubscriberCursor (default), vmDurableCursor, fileDurableSubscriberCursor. */
  pendingDurableSubscriberPolicy: 'store' | 'vm' | 'file';
  /** `<pendingSubscriberPolicy>` for non-durable topic subscribers: fileCursor (default) or vmCursor. */
  pendingSubscriberPolicy: 'file' | 'vm';
}

export interface PolicyMapConfig {
  entries: PolicyEntryConfig[];
  defaultEntry: PolicyEntryConfig | null;
}

// ----- virtual destinations -----

export interface VirtualTopicConfig {
  readonly type: 'virtualTopic';
  /** Topics that are virtual ("VirtualTopic.>"). */
  name: string;
  /** Consumer queue prefix ("Consumer.*."); the wildcard matches the consumer name. */
  prefix: string;
  postfix: string;
  selectorAware: boolean;
  local: boolean;
  concurrentSend: boolean;
  transactedSend: boolean;
  dropOnResourceLimit: boolean;
  setOriginalDestination: boolean;
}

export interface ForwardTarget {
  destination: DestinationRef;
  /** For <filteredDestination>: only messages matching this selector are forwarded; null = all. */
  selector: string | null;
}

export interface CompositeDestinationConfig {
  readonly type: 'compositeQueue' | 'compositeTopic';
  name: string;
  forwardTo: ForwardTarget[];
  /** Do not also deliver to the composite destination itself (ActiveMQ default true). */
  forwardOnly: boolean;
  concurrentSend: boolean;
  sendWhenNotMatched: boolean;
}

export type VirtualDestinationConfig = VirtualTopicConfig | CompositeDestinationConfig;

// ----- persistence -----

export interface KahaDBConfig {
  readonly type: 'kahaDB';
  /** Default `<dataDirectory>/<brokerName>/KahaDB`. */
  directory: string;
  /** Default 32 MiB. */
  journalMaxFileLength: number;
  journalMaxWriteBatchSize: number;
  /** `enableJournalDiskSyncs="false"` means NEVER, as in MessageDatabase.setEnableJournalDiskSyncs. */
  journalDiskSyncStrategy: 'ALWAYS' | 'PERIODIC' | 'NEVER';
  journalDiskSyncInterval: number;
  checkpointInterval: number;
  cleanupInterval: number;
  checkForCorruptJournalFiles: boolean;
  checksumJournalFiles: boolean;
  ignoreMissingJournalfiles: boolean;
  archiveDataLogs: boolean;
  directoryArchive: string | null;
  concurrentStoreAndDispatchQueues: boolean;
  concurrentStoreAndDispatchTopics: boolean;
  indexCacheSize: number;
  indexWriteBatchSize: number;
  enableIndexWriteAsync: boolean;
  forceRecoverIndex: boolean;
  enableAckCompaction: boolean;
  compactAcksAfterNoGC: number;
  cleanupOnStop: boolean;
  preallocationStrategy: string;
  preallocationScope: string;
  /**
   * ms between checks that this broker still holds the store's lock (master/slave); 0 turns them off.
   * TideMQ's default is 5000 where ActiveMQ's is 0: a check costs one stat, and it lets a master whose lock
   * was lost stop before a second master writes beside it (docs/high-availability.md).
   */
  lockKeepAlivePeriod: number;
  /** `<locker><shared-file-locker …/></locker>`, with SharedFileLocker's defaults when absent. */
  locker: SharedFileLockerConfig;
}

/** `<shared-file-locker>`: how a slave waits for the store directory's lock. */
export interface SharedFileLockerConfig {
  readonly type: 'shared-file-locker';
  /** ms between attempts while another broker holds the lock (default 10000). */
  lockAcquireSleepInterval: number;
  /** Fail the start at once instead of waiting as a slave (default false). */
  failIfLocked: boolean;
}

export interface MemoryPersistenceAdapterConfig {
  readonly type: 'memory';
}

export interface JdbcPersistenceAdapterConfig {
  readonly type: 'jdbc';
  /** The Spring bean the `dataSource` attribute refers to ("#postgres-ds" → id "postgres-ds"). */
  dataSource: { id: string; className: string | null; properties: Record<string, string> } | null;
  createTablesOnStartup: boolean;
  useLock: boolean;
  lockKeepAlivePeriod: number;
  cleanupPeriod: number;
  transactionIsolation: number | null;
  /** `<statements tablePrefix=…>` (ActiveMQ's Statements): prepended to every table name. */
  tablePrefix: string;
  /**
   * `<locker><lease-database-locker …/></locker>`, or its defaults when no locker is configured (TideMQ always
   * uses the lease; see docs/jdbc-store.md). Null with useLock="false".
   */
  lease: JdbcLeaseLockerConfig | null;
}

/** `<lease-database-locker>` (ActiveMQ's LeaseDatabaseLocker / AbstractLocker defaults). */
export interface JdbcLeaseLockerConfig {
  /** The lease's length and the time between attempts (ms); AbstractLocker's default 10000. */
  lockAcquireSleepInterval: number;
  /** Default: the broker name. */
  leaseHolderId: string | null;
  failIfLocked: boolean;
  maxAllowableDiffFromDBTime: number;
}

export type PersistenceAdapterConfig = KahaDBConfig | MemoryPersistenceAdapterConfig | JdbcPersistenceAdapterConfig;

// ----- system usage -----

export interface UsageLimitConfig {
  /** Bytes; null when given as percentOfJvmHeap only. */
  limit: number | null;
  /** memoryUsage only: a share of the heap instead of a limit (of --max-old-space-size, else 1 GiB: see docs/configuration.md). */
  percentOfJvmHeap: number | null;
  /** store and temp usage: a share of the disk partition's free space. */
  percentLimit: number | null;
}

export interface SystemUsageConfig {
  /** ActiveMQ default: 1 GiB (BrokerService.getSystemUsage) when neither limit nor percentOfJvmHeap is given. */
  memoryUsage: UsageLimitConfig;
  /** Default 100 GiB. */
  storeUsage: UsageLimitConfig;
  /** Default 50 GiB. */
  tempUsage: UsageLimitConfig;
  /** The scheduler store; default 50 GiB. */
  jobSchedulerUsage: UsageLimitConfig;
  /** Fail sends when space runs out instead of blocking the producer. */
  sendFailIfNoSpace: boolean;
  /** Block at most this long (ms) then fail; null = per sendFailIfNoSpace. */
  sendFailIfNoSpaceAfterTimeout: number | null;
}

// ----- network connectors -----

export interface NetworkConnectorConfig {
  /** Default "NC" (NetworkBridgeConfiguration). */
  name: string;
  /** static:(…), multicast://default, masterslave:(…) as written. */
  uri: string;
  duplex: boolean;
  /** Hops a message/subscription may travel; default 1. */
  networkTTL: number;
  messageTTL: number;
  consumerTTL: number;
  conduitSubscriptions: boolean;
  dynamicOnly: boolean;
  decreaseNetworkConsumerPriority: boolean;
  bridgeTempDestinations: boolean;
  prefetchSize: number;
  userName: string | null;
  password: string | null;
  suppressDuplicateQueueSubscriptions: boolean;
  suppressDuplicateTopicSubscriptions: boolean;
  alwaysSyncSend: boolean;
  syncDurableSubs: boolean;
  excludedDestinations: DestinationRef[];
  dynamicallyIncludedDestinations: DestinationRef[];
  staticallyIncludedDestinations: DestinationRef[];
  /** No advisory subscription: only staticallyIncludedDestinations are bridged. */
  staticBridge: boolean;
  /** Credentials for the remote broker when they differ from userName/password. */
  remoteUserName: string | null;
  remotePassword: string | null;
  /** Priority of decreased network consumers (NetworkBridgeConfiguration.consumerPriorityBase, -5). */
  consumerPriorityBase: number;
  /** Prefetch of the advisory consumer on the remote broker; 0 means prefetchSize. */
  advisoryPrefetchSize: number;
  /** Conduit queue demand that is itself another bridge's (default true). */
  conduitNetworkQueueSubscriptions: boolean;
  /** Separator in the bridge's client ids (default "_"). */
  clientIdToken: string;
  /** Also subscribe to VirtualDestination consumer advisories: demand for virtual topics and composites. */
  useVirtualDestSubs: boolean;
  /** ConsumerInfo.dispatchAsync of the local demand consumers (default true). */
  dispatchAsync: boolean;
}

export const DEFAULT_DLQ = 'ActiveMQ.DLQ';
