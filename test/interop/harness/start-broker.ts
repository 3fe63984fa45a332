import { startActiveMQ } from './activemq-broker.js';
import { selectedBrokerKind, type BrokerSetup, type InteropBroker } from './broker.js';
import type { InteropClasses } from './java-build.js';
import { startTideMQ } from './tidemq-broker.js';

/** Starts the broker INTEROP_BROKER names (default tidemq), with the suite's configuration or the test's own. */
export function startInteropBroker(classes: InteropClasses, setup?: BrokerSetup): Promise<InteropBroker> {
  return selectedBrokerKind() === 'activemq' ? startActiveMQ(classes, setup) : startTideMQ(setup);
}
