/**
 * Destinations as ActiveMQ names them: a type and a physical name of `.`-separated segments.
 * The string form `queue://A`, `topic://B`, `temp-queue://…`, `temp-topic://…` is ActiveMQ's
 * (ActiveMQDestination.toString), so logs and error texts read the same as Classic's.
 */
export type DestinationType = 'queue' | 'topic' | 'temp-queue' | 'temp-topic';

export class Destination {
  /** `queue://A.B` — the key used in maps and in ActiveMQ's error texts. */
  readonly key: string;

  private constructor(
    readonly type: DestinationType,
    readonly name: string,
  ) {
    this.key = `${type}://${name}`;
  }

  private static readonly interned = new Map<string, Destination>();

  /** Destinations are interned: one object per name, so equality is identity and the key is computed once. */
  static of(type: DestinationType, name: string): Destination {
    const key = `${type}://${name}`;
    let d = Destination.interned.get(key);
    if (d === undefined) {
      d = new Destination(type, name);
      // Bounded: a client can invent names, so the intern table forgets rather than grows without limit.
      if (Destination.interned.size >= 100_000) Destination.interned.clear();
      Destination.interned.set(key, d);
    }
    return d;
  }

  static queue(this: void, name: string): Destination {
    return Destination.of('queue', name);
  }

  static topic(this: void, name: string): Destination {
    return Destination.of('topic', name);
  }

  /** Parses `queue://x`, `topic://x`, `temp-queue://x`, `temp-topic://x`; a bare name takes `defaultType`. */
  static parse(text: string, defaultType: DestinationType = 'queue'): Destination {
    const m = /^(queue|topic|temp-queue|temp-topic):\/\/(.*)$/s.exec(text);
    if (m) return Destination.of(m[1] as DestinationType, m[2] as string);
    return Destination.of(defaultType, text);
  }

  get isQueue(): boolean {
    return this.type === 'queue' || this.type === 'temp-queue';
  }

  get isTopic(): boolean {
    return this.type === 'topic' || this.type === 'temp-topic';
  }

  get isTemporary(): boolean {
    return this.type === 'temp-queue' || this.type === 'temp-topic';
  }

  /** A name containing `*` or `>` as a whole segment, as ActiveMQ's DestinationFilter decides. */
  get isWildcard(): boolean {
    return isWildcardName(this.name);
  }

  /** `a,b` or `queue://a,topic://b`: a composite destination, sent to each member. */
  get isComposite(): boolean {
    return this.name.includes(',');
  }

  /**
   * The members of a composite destination. A member without a `queue://` / `topic://` prefix takes
   * the composite's own type, as ActiveMQDestination.createDestination does.
   */
  members(): Destination[] {
    if (!this.isComposite) return [this];
    const out: Destination[] = [];
    for (const part of this.name.split(',')) {
      const p = part.trim();
      if (p.length === 0) continue;
      out.push(Destination.parse(p, this.type));
    }
    return out;
  }

  toString(): string {
    return this.key;
  }
}

export function isWildcardName(name: string): boolean {
  if (!name.includes('*') && !name.includes('>')) return false;
  for (const seg of name.split('.')) if (seg === '*' || seg === '>') return true;
  return false;
}
