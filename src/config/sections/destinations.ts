import type { DestinationRef } from '../broker-config.js';
import { ConfigError } from '../config-error.js';
import type { ElementReader } from '../element-reader.js';
import { tag } from '../load-context.js';

const KINDS = ['queue', 'topic', 'tempQueue', 'tempTopic'] as const;

/**
 * The destination an entry (policyEntry, authorizationEntry, redeliveryPolicy, filteredDestination) names,
 * the way ActiveMQ's DestinationMapEntry reads it: `queue="A.>"` or `topic="…"`; `tempQueue="true"` /
 * `tempTopic="true"` for every temporary destination (ActiveMQ uses the name ">" for those); or a nested
 * <destination><queue physicalName=…/></destination>. Null when the entry names none (a defaultEntry).
 */
export function entryDestination(r: ElementReader): DestinationRef | null {
  const found: DestinationRef[] = [];
  for (const kind of KINDS) {
    if (!r.schema.attributes.has(kind)) continue;
    if (kind === 'tempQueue' || kind === 'tempTopic') {
      const flag = r.schema.attributes.get(kind) === 's' ? r.string(kind) : r.bool(kind);
      if (flag === true) found.push({ type: kind, name: '>' });
      else if (typeof flag === 'string') found.push({ type: kind, name: flag });
    } else {
      const name = r.string(kind);
      if (name !== undefined) found.push({ type: kind, name });
    }
  }
  if (r.schema.properties.has('destination')) {
    for (const d of r.items('destination')) found.push(destinationElement(d));
  }
  if (r.has('destination')) {
    throw new ConfigError(
      r.attribute('destination')!.location,
      `${tag(r.el)} attribute destination refers to a Spring bean; write queue="…" or topic="…" instead`,
    );
  }
  if (found.length > 1) {
    throw new ConfigError(
      r.el.location,
      `${tag(r.el)} names ${found.length} destinations; give one of queue, topic, tempQueue, tempTopic`,
    );
  }
  return found[0] ?? null;
}

/** <queue physicalName="A"/> (or name=), <topic …/>, <tempQueue …/>, <tempTopic …/>. */
export function destinationElement(r: ElementReader): DestinationRef {
  const kind = KINDS.find((k) => k === r.name);
  if (!kind) throw new ConfigError(r.el.location, `${tag(r.el)} is not a destination; expected <queue> or <topic>`);
  const physical = r.string('physicalName');
  const name = r.string('name');
  const chosen = physical ?? name;
  if (chosen === undefined || chosen.length === 0) {
    throw new ConfigError(r.el.location, `${tag(r.el)} needs a physicalName attribute`);
  }
  r.finish();
  return { type: kind, name: chosen };
}

/** The destination elements inside a property such as <excludedDestinations> or <destinations>. */
export function destinationList(r: ElementReader, property: string): DestinationRef[] {
  return r.items(property).map(destinationElement);
}

/** ActiveMQ splits group and role lists on commas and trims each name (AuthorizationEntry.parseACLs). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
