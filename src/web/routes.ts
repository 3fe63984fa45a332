import type { BrokerManagement } from '../management/broker-management.js';
import type { WebRoute } from './http-support.js';
import { JolokiaRoute } from './jolokia.js';
import { JsonApiRoute } from './json-api.js';
import { MetricsRoute } from './metrics.js';
import { ConsoleRoute } from './console/console-route.js';

/** The management endpoints in front of /api/message: Jolokia, TideMQ's JSON API, Prometheus metrics, the console. */
export function webRoutes(mgmt: BrokerManagement, options: { maxDestinationSeries?: number } = {}): WebRoute[] {
  return [
    new JolokiaRoute(mgmt),
    new JsonApiRoute(mgmt),
    new MetricsRoute(mgmt, options.maxDestinationSeries),
    new ConsoleRoute(mgmt),
  ];
}
