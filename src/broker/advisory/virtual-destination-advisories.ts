import { compileNameFilter, destinationMatches, type NameMatcher } from '../../destination/destination-filter.js';
import { Destination } from '../../model/destination.js';

/**
 * useVirtualDestSubs (ActiveMQ 5.14+): which virtual destination a consumer creates network demand for. A virtual
 * topic or a composite destination feeds queues (or topics) that consumers read; a broker elsewhere in the
 * network only sees consumers on those queues, not on the virtual destination its producers send to. With
 * `<broker useVirtualDestSubs="true">` the advisory broker also reports each such consumer on
 * `ActiveMQ.Advisory.VirtualDestination.Consumer.<Queue|Topic>.<virtual destination>`, with the virtual destination
 * in its ConsumerInfo, and a network connector with useVirtualDestSubs="true" turns that into demand for it.
 */

/** The virtual destinations of the broker's virtualDestinationInterceptor, as the matcher needs them. */
export type VirtualDestinationSpec =
  | { readonly kind: 'virtualTopic'; readonly prefix: string }
  | { readonly kind: 'composite'; readonly destination: Destination; readonly forwardTo: readonly Destination[] };

/** AdvisorySupport.VIRTUAL_DESTINATION_CONSUMER_ADVISORY_TOPIC_PREFIX. */
export const VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX = 'ActiveMQ.Advisory.VirtualDestination.Consumer.';

/** AdvisorySupport.getVirtualDestinationConsumerAdvisoryTopic. */
export function virtualDestinationConsumerAdvisory(d: Destination): string {
  return `${VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX}${d.isQueue ? 'Queue' : 'Topic'}.${d.name}`;
}

export class VirtualDestinationMatcher {
  private readonly matchers: { spec: VirtualDestinationSpec; queues: NameMatcher | null }[];

  constructor(specs: readonly VirtualDestinationSpec[]) {
    // DestinationFilterVirtualDestinationMatcher: a virtual topic matches any queue under its prefix
    // (`Consumer.*.` + `>`), whatever follows; a composite matches its forwardTo destinations.
    this.matchers = specs.map((spec) => ({
      spec,
      queues: spec.kind === 'virtualTopic' ? compileNameFilter(`${spec.prefix}>`) : null,
    }));
  }

  /**
   * The virtual destination a consumer on `d` creates demand for, or null. The first matching virtual destination
   * wins (AdvisoryBroker keeps one virtual advisory per consumer). For a virtual topic it is the topic the queue
   * is named after: the queue's name without the prefix's paths (AdvisoryBroker.setConsumerInfoVirtualDest), so
   * `Consumer.A.VirtualTopic.Orders` creates demand for topic `VirtualTopic.Orders`.
   */
  demandFor(d: Destination): Destination | null {
    if (d.isWildcard || d.isComposite || d.isTemporary) return null;
    for (const { spec, queues } of this.matchers) {
      if (spec.kind === 'virtualTopic') {
        if (!d.isQueue || queues === null || !queues(d.name)) continue;
        const prefixPaths = spec.prefix.replace(/\.$/, '').split('.').length;
        const paths = d.name.split('.');
        if (paths.length > prefixPaths) return Destination.topic(paths.slice(prefixPaths).join('.'));
      } else if (spec.forwardTo.some((f) => destinationMatches(f, d))) {
        return spec.destination;
      }
    }
    return null;
  }
}
