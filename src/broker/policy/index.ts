/** Destination policies (ActiveMQ's destinationPolicy / policyEntry), dead-letter strategies, redelivery. */
export * from './policy-entry.js';
export * from './policy-map.js';
export * from './dead-letter-strategy.js';
export * from './redelivery-policy.js';
export * from './abort-slow-consumer-strategy.js';
