/**
 * MQTT topic names and filters as ActiveMQ maps them onto its destinations (MQTTProtocolSupport): `/` ⇄ `.`,
 * `+` ⇄ `*`, `#` ⇄ `>`, each swapped both ways so a name survives the round trip. The validation rules and
 * texts are ActiveMQ's (MQTTProtocolSupport.validate), which follow MQTT §4.7.
 */
export class MqttTopicError extends Error {
  override readonly name = 'MqttTopicError';
}

const SWAP: Readonly<Record<string, string>> = {
  '#': '>',
  '>': '#',
  '+': '*',
  '*': '+',
  '/': '.',
  '.': '/',
};

/** MQTT topic (or filter) → ActiveMQ physical name; the mapping is its own inverse. */
export function mqttToActiveMQ(name: string): string {
  let out = '';
  for (const c of name) out += SWAP[c] ?? c;
  return out;
}

/** ActiveMQ physical name → MQTT topic (MQTTProtocolSupport.convertActiveMQToMQTT). */
export const activeMQToMqtt = mqttToActiveMQ;

/** A topic name in PUBLISH: [MQTT-3.3.2-2] no wildcards; [MQTT-4.7.3-1] at least one character. */
export function validateTopicName(topic: string): void {
  if (topic.length === 0) throw new MqttTopicError('Topic name given had invliad length.');
  // ActiveMQ: "The topic name must not contain wildcard characters." (onMQTTPublish)
  if (topic.includes('+') || topic.includes('#')) {
    throw new MqttTopicError('The topic name must not contain wildcard characters.');
  }
  if (topic.includes('\u0000')) throw new MqttTopicError('Topic name contained invalid UTF-8 encoding.');
}

/** A topic filter in SUBSCRIBE / UNSUBSCRIBE, as MQTTProtocolSupport.validate checks it (texts included). */
export function validateTopicFilter(filter: string): void {
  const bytes = Buffer.byteLength(filter, 'utf8');
  // ActiveMQ's text has this spelling.
  if (bytes < 1 || bytes > 65535) throw new MqttTopicError('Topic name given had invliad length.');
  if (filter.includes('\u0000')) throw new MqttTopicError('Topic name contained invalid UTF-8 encoding.');
  if (filter === '#' || filter === '+') return;
  let multi = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '#') {
      multi++;
      // [MQTT-4.7.1-2] the multi-level wildcard follows a separator and ends the filter.
      if (i > 0 && filter[i - 1] !== '/') {
        throw new MqttTopicError(`The multi level wildcard must stand alone: ${filter}`);
      }
    }
    if (multi > 1) throw new MqttTopicError(`Topic Filter can only have one multi-level filter: ${filter}`);
  }
  if (multi > 0 && !filter.endsWith('#')) {
    throw new MqttTopicError(`The multi-level filter must be at the end of the Topic name: ${filter}`);
  }
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] !== '+') continue;
    // [MQTT-4.7.1-3] the single-level wildcard occupies a whole level.
    if ((i > 0 && filter[i - 1] !== '/') || (i < filter.length - 1 && filter[i + 1] !== '/')) {
      throw new MqttTopicError(`The single level wildcard must stand alone: ${filter}`);
    }
  }
}

/** An MQTT 5 shared subscription `$share/<group>/<filter>` (§4.8.2), or null for an ordinary filter. */
export interface SharedFilter {
  readonly group: string;
  readonly filter: string;
}

export function parseSharedFilter(filter: string): SharedFilter | null {
  if (!filter.startsWith('$share/')) return null;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  const group = slash < 0 ? rest : rest.slice(0, slash);
  // [MQTT-4.8.2-1] / [MQTT-4.8.2-2]: a non-empty share name without wildcards, followed by a filter.
  if (slash <= 0 || group.includes('+') || group.includes('#')) {
    throw new MqttTopicError(`Invalid shared subscription: ${filter}`);
  }
  const inner = rest.slice(slash + 1);
  validateTopicFilter(inner);
  return { group, filter: inner };
}

/**
 * Whether bytes decoded as `text` were valid UTF-8. mqtt-packet decodes strings leniently (bad sequences become
 * U+FFFD), so a string with U+FFFD is checked against the raw packet: a genuine U+FFFD re-encodes to bytes the
 * packet contains, a replaced bad sequence does not. [MQTT-1.5.3-1]
 */
export function isWellFormed(text: string, raw: Uint8Array): boolean {
  if (!text.includes('\uFFFD')) return true;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).includes(Buffer.from(text, 'utf8'));
}
