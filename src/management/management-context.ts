import type { ConnectionContext } from '../broker/broker.js';

let counter = 0;

/**
 * The connection context management acts under (ActiveMQ's BrokerSupport.getConnectionContext: a broker-internal
 * context). Authorization does not apply to it: who may act is decided by the HTTP roles before it is used.
 */
export function managementContext(brokerId: string, user: string | null): ConnectionContext {
  return {
    info: {
      connectionId: `${brokerId}:management:${++counter}`,
      clientId: null,
      userName: user,
      password: null,
      remoteAddress: 'vm://management',
      protocol: 'management',
    },
    security: { userName: user, groups: new Set(), isBrokerInternal: true },
    control: { close: () => {} },
  };
}
