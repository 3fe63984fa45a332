import type { CompositeDestinationConfig, ForwardTarget, VirtualDestinationConfig } from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';
import { INERT_COMPOSITE_ATTRIBUTES, INERT_VIRTUAL_TOPIC_ATTRIBUTES, reportInert } from './inert-attributes.js';
import { destinationElement, entryDestination } from './destinations.js';

/** One element of <destinationInterceptors>; null (after a warning) for interceptors TideMQ lacks. */
export function readDestinationInterceptor(r: ElementReader): VirtualDestinationConfig[] | null {
  if (r.name !== 'virtualDestinationInterceptor') {
    r.ctx.warn(r.el.location, `${tag(r.el)} is not implemented by TideMQ; the interceptor is ignored`);
    return null;
  }
  const out = r.items('virtualDestinations').map(readVirtualDestination);
  r.finish();
  return out;
}

function readVirtualDestination(r: ElementReader): VirtualDestinationConfig {
  if (r.name === 'virtualTopic') {
    // Defaults from ActiveMQ's VirtualTopic: name ">" (BrokerService's implicit one uses "VirtualTopic.>"),
    // prefix "Consumer.*.".
    const config: VirtualDestinationConfig = {
      type: 'virtualTopic',
      name: r.string('name') ?? '>',
      prefix: r.string('prefix') ?? 'Consumer.*.',
      postfix: r.string('postfix') ?? '',
      selectorAware: r.bool('selectorAware') ?? false,
      local: r.bool('local') ?? false,
      concurrentSend: r.bool('concurrentSend') ?? false,
      transactedSend: r.bool('transactedSend') ?? false,
      dropOnResourceLimit: r.bool('dropOnResourceLimit') ?? false,
      setOriginalDestination: r.bool('setOriginalDestination') ?? true,
    };
    reportInert(r, INERT_VIRTUAL_TOPIC_ATTRIBUTES);
    r.finish();
    return config;
  }
  const name = r.string('name');
  if (name === undefined || name.length === 0) {
    throw new ConfigError(r.el.location, `${tag(r.el)} needs a name attribute`);
  }
  const forwardTo: ForwardTarget[] = r.items('forwardTo').map(readForwardTarget);
  const config: CompositeDestinationConfig = {
    type: r.name === 'compositeTopic' ? 'compositeTopic' : 'compositeQueue',
    name,
    forwardTo,
    forwardOnly: r.bool('forwardOnly') ?? true,
    concurrentSend: r.bool('concurrentSend') ?? false,
    sendWhenNotMatched: r.bool('sendWhenNotMatched') ?? false,
  };
  reportInert(r, INERT_COMPOSITE_ATTRIBUTES);
  r.finish();
  return config;
}

/** <queue physicalName=…/>, <topic …/> or <filteredDestination selector=… queue|topic=…/> inside <forwardTo>. */
function readForwardTarget(r: ElementReader): ForwardTarget {
  if (r.name !== 'filteredDestination') return { destination: destinationElement(r), selector: null };
  const destination = entryDestination(r);
  if (!destination) throw new ConfigError(r.el.location, `${tag(r.el)} needs a queue or topic attribute`);
  const selector = r.string('selector') ?? null;
  r.finish();
  return { destination, selector };
}
