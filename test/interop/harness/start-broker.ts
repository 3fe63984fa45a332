import { startActiveMQ } from './activemq-broker.js';
import { selectedBrokerKind, type InteropBroker } from './broker.js';
import type { InteropClasses } from './java-build.js';
import { startTideMQ } from './tidemq-broker.js';

/** Starts the broker INTEROP_BROKER names (default tidemq). */
export function startInteropBroker(classes: InteropClasses): Promise<InteropBroker> {
  return selectedBrokerKind() === 'activemq' ? startActiveMQ(classes) : startTideMQ();
}
