import { rheaTypes, type Typed } from './rhea-facade.js';

// AmqpSupport's filter descriptors: the code and the symbolic name both identify a filter.
const SELECTOR_CODE = 0x0000468c00000004;
const SELECTOR_NAME = 'apache.org:selector-filter:string';
const NO_LOCAL_CODE = 0x0000468c00000003;
const NO_LOCAL_NAME = 'apache.org:no-local-filter:list';

export interface SourceFilters {
  selector: string | null;
  noLocal: boolean;
  /** The filters the broker supports, echoed back in its attach (AmqpSession.createSender). */
  supported: Record<string, unknown>;
}

function isTyped(v: unknown): v is Typed {
  return typeof v === 'object' && v !== null && 'type' in v && 'value' in v;
}

/** The selector and no-local filters of a source's filter set, found by their descriptors whatever their keys. */
export function sourceFilters(filter: Record<string, unknown> | undefined | null): SourceFilters {
  const out: SourceFilters = { selector: null, noLocal: false, supported: {} };
  if (filter === undefined || filter === null) return out;
  for (const [key, value] of Object.entries(filter)) {
    if (!isTyped(value) || value.descriptor === undefined) continue;
    const d = value.descriptor.value;
    if (d === SELECTOR_CODE || d === SELECTOR_NAME) {
      out.selector = typeof value.value === 'string' ? value.value : String(value.value);
      out.supported[key] = value;
    } else if (d === NO_LOCAL_CODE || d === NO_LOCAL_NAME) {
      out.noLocal = true;
      out.supported[key] = value;
    }
  }
  return out;
}

/**
 * The filter set of a durable subscription resumed by link name (AmqpSession.createSender): ActiveMQ puts back
 * the subscription's selector and no-local under the keys Qpid JMS uses, `jms-selector` and `no-local`.
 */
export function storedFilters(selector: string | null, noLocal: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (selector !== null && selector.trim() !== '') {
    out['jms-selector'] = rheaTypes.described(rheaTypes.wrap_ulong(SELECTOR_CODE), rheaTypes.wrap_string(selector));
  }
  if (noLocal) {
    // AmqpNoLocalFilter writes its name as the described value.
    out['no-local'] = rheaTypes.described(
      rheaTypes.wrap_ulong(NO_LOCAL_CODE),
      rheaTypes.wrap_string('NoLocalFilter{}'),
    );
  }
  return out;
}
