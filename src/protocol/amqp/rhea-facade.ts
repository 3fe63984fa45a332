import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

/**
 * The part of rhea (the npm AMQP 1.0 library) this protocol module drives, typed narrowly. rhea's own typings
 * are mostly `any`; these interfaces name only what the broker side uses, so the rest of the module stays
 * type-checked. rhea runs the AMQP state machines (SASL layer, open/begin/attach, session windows, link credit,
 * delivery ids and multi-frame transfers) and its codec; the broker decides everything else (see
 * docs/amqp.md, "Why rhea's connection engine").
 */

/** An AMQP typed value as rhea's codec reads and writes it. */
export interface Typed {
  readonly type: { readonly name: string; readonly typecode: number };
  readonly value: unknown;
  readonly descriptor?: Typed;
}

export interface AmqpErrorCondition {
  condition: string;
  description?: string;
  info?: unknown;
}

export interface RheaTerminus {
  address?: string;
  dynamic?: boolean;
  durable?: number;
  expiry_policy?: string;
  timeout?: number;
  distribution_mode?: string;
  filter?: Record<string, unknown>;
  capabilities?: string | string[];
  dynamic_node_properties?: Record<string, unknown>;
}

export interface RheaDelivery {
  readonly id: number;
  readonly tag: Buffer;
  readonly format: number;
  readonly remote_settled: boolean;
  readonly remote_state?: { readonly constructor: { readonly composite_type?: string } } & Record<string, unknown>;
  settled: boolean;
  update(settled: boolean | undefined, state?: unknown): void;
}

export interface RheaEndpoint extends EventEmitter {
  readonly name: string;
  credit: number;
  readonly session: RheaSession;
  readonly connection: RheaConnection;
  readonly local: { attach: Record<string, unknown>; handle: number };
  readonly remote: { attach?: Record<string, unknown> & { source?: RheaTerminus; target?: RheaTerminus } };
  readonly snd_settle_mode?: number;
  readonly rcv_settle_mode?: number;
  readonly desired_capabilities?: string | string[];
  set_source(fields: RheaTerminus): void;
  set_target(fields: RheaTerminus): void;
  close(error?: AmqpErrorCondition): void;
  is_open(): boolean;
  is_closed(): boolean;
  is_receiver(): boolean;
}

export interface RheaSender extends RheaEndpoint {
  send(payload: Buffer, tag: Buffer, format: number): RheaDelivery;
  sendable(): boolean;
  set_drained(drained: boolean): void;
  readonly _draining: boolean;
}

export interface RheaReceiver extends RheaEndpoint {
  add_credit(credit: number): void;
  /** The delivery still being assembled from transfers with `more` set. */
  readonly _incomplete?: { frames?: Buffer[] };
}

export interface RheaSession extends EventEmitter {
  readonly connection: RheaConnection;
  readonly local: { channel: number };
  readonly outgoing: { available(): number };
  end(error?: AmqpErrorCondition): void;
  close(error?: AmqpErrorCondition): void;
  is_closed(): boolean;
}

export interface RheaConnection extends EventEmitter {
  readonly local: { open: Record<string, unknown> };
  readonly remote: { open?: Record<string, unknown> & { container_id?: string; idle_time_out?: number } };
  /** rhea calls this when the client's Open arrives; replaced per connection to answer only once admitted. */
  open(): void;
  close(error?: AmqpErrorCondition): void;
  accept(socket: unknown): RheaConnection;
  is_open(): boolean;
  is_closed(): boolean;
  output(): void;
  _write_open(): void;
  readonly sasl_transport?: { readonly username?: string };
}

export interface RheaContainer {
  readonly id: string;
  sasl_server_mechanisms: Record<string, () => unknown>;
  create_connection(options: Record<string, unknown>): RheaConnection;
}

interface RheaTypes {
  Reader: new (buffer: Buffer) => {
    read(): Typed;
    remaining(): number;
    position: number;
    read_size_count(width: number): { size: number; count: number };
  };
  Writer: new () => { write(o: unknown): void; toBuffer(): Buffer };
  wrap(o: unknown): Typed;
  wrap_string(s: string): Typed;
  wrap_symbol(s: string): Typed;
  wrap_binary(b: Buffer): Typed;
  wrap_boolean(b: boolean): Typed;
  wrap_byte(n: number): Typed;
  wrap_ubyte(n: number): Typed;
  wrap_short(n: number): Typed;
  wrap_int(n: number): Typed;
  wrap_uint(n: number): Typed;
  wrap_long(n: number | Buffer): Typed;
  wrap_ulong(n: number): Typed;
  wrap_float(n: number): Typed;
  wrap_double(n: number): Typed;
  wrap_timestamp(n: number): Typed;
  wrap_char(n: number): Typed;
  wrap_list(l: unknown[]): Typed;
  wrap_map(m: Record<string, unknown>, keyWrapper?: (k: string) => Typed): Typed;
  wrap_symbolic_map(m: Record<string, unknown>): Typed;
  Map32(items: Typed[]): Typed;
  List32(items: Typed[]): Typed;
  Null(): Typed;
  described(descriptor: Typed, value: Typed): Typed;
  unwrap(o: unknown, leaveDescribed?: boolean): unknown;
}

interface RheaMessageModule {
  accepted(): { described(): Typed };
  released(): { described(): Typed };
  rejected(fields: { error?: AmqpErrorCondition }): { described(): Typed };
  modified(fields: Record<string, unknown>): { described(): Typed };
}

interface RheaFrames {
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  open(fields: Record<string, unknown>): unknown;
  flow(fields: Record<string, unknown>): unknown;
  close(fields: { error?: AmqpErrorCondition }): unknown;
  write_frame(frame: unknown): Buffer;
}

interface RheaModule {
  create_container(options: Record<string, unknown>): RheaContainer;
  types: RheaTypes;
  message: RheaMessageModule;
}

const require = createRequire(import.meta.url);
const rhea = require('rhea') as RheaModule;

export const rheaTypes: RheaTypes = rhea.types;
export const rheaMessage: RheaMessageModule = rhea.message;
export const rheaFrames = require('rhea/lib/frames.js') as RheaFrames;

export function createContainer(id: string): RheaContainer {
  return rhea.create_container({ id });
}

/**
 * rhea's decoder trusts the element counts of lists, maps and arrays: an array of 2^32 nulls costs five bytes
 * on the wire and would be expanded element by element until the heap runs out. Every list or map element
 * takes at least one byte, so a count above the bytes left is a lie; an array of zero-width elements is capped.
 * Applied once to rhea's Reader (the codec is shared; a valid encoding never trips it).
 */
let hardened = false;
export function hardenRheaReader(): void {
  if (hardened) return;
  hardened = true;
  interface ReaderThis {
    remaining(): number;
  }
  const proto = rhea.types.Reader.prototype as unknown as {
    read_size_count: (this: ReaderThis, width: number) => { size: number; count: number };
    read_array_items: (this: ReaderThis, n: number, type: { width: number }) => unknown[];
  };
  const readSizeCount = proto.read_size_count;
  proto.read_size_count = function (this: ReaderThis, width: number) {
    const limits = readSizeCount.call(this, width);
    // `size` counts the count field just read as well.
    if (limits.size > this.remaining() + width) {
      throw new RangeError(`AMQP compound of ${limits.size} bytes exceeds the ${this.remaining() + width} left`);
    }
    return limits;
  };
  const readArrayItems = proto.read_array_items;
  proto.read_array_items = function (this: ReaderThis, n: number, type: { width: number }) {
    if (n > MAX_ARRAY_ELEMENTS || (type.width > 0 && n * type.width > this.remaining())) {
      throw new RangeError(`AMQP array of ${n} elements exceeds its encoding`);
    }
    return readArrayItems.call(this, n, type);
  };
}

/** Beyond what any sane client sends as one AMQP array (capabilities, filters); bounds zero-width arrays. */
const MAX_ARRAY_ELEMENTS = 65_536;

/** Where the decode hook leaves the bytes a received message was decoded from. */
export const PAYLOAD = Symbol.for('tidemq.amqp.payload');

/**
 * rhea hands a receiver only the decoded message; the broker needs the bytes too (to read the sections with
 * their AMQP types, and to send the original encoding on to AMQP consumers). This wraps rhea's decoder once so
 * every decoded message carries its bytes under a symbol (invisible to anything else that uses rhea).
 */
let payloadHook = false;
export function keepPayloads(): void {
  if (payloadHook) return;
  payloadHook = true;
  const m = rhea.message as unknown as { decode(b: Buffer): object };
  const decode = m.decode.bind(m);
  m.decode = (b: Buffer): object => {
    const msg = decode(b);
    Object.defineProperty(msg, PAYLOAD, { value: b });
    return msg;
  };
}

/**
 * Ends a drain (AMQP 1.0 §2.6.7): the link credit the client granted lapses, the delivery count advances by it,
 * and a flow with drain set tells the client so. rhea's own path does this only when credit is left over; a
 * client that drains with no credit outstanding must be answered too.
 */
export function completeDrain(sender: RheaSender): void {
  const link = sender as unknown as {
    credit: number;
    delivery_count: number;
    _draining: boolean;
    local: { handle: number };
  };
  const session = sender.session as unknown as {
    output(frame: unknown): void;
    incoming: { next_transfer_id: number; window: number };
    outgoing: { next_transfer_id: number; window: number };
  };
  link.delivery_count += Math.max(0, link.credit);
  link.credit = 0;
  link._draining = false;
  session.output(
    rheaFrames.flow({
      next_incoming_id: session.incoming.next_transfer_id >>> 0,
      incoming_window: session.incoming.window,
      next_outgoing_id: session.outgoing.next_transfer_id >>> 0,
      outgoing_window: session.outgoing.window,
      handle: link.local.handle,
      delivery_count: link.delivery_count >>> 0,
      link_credit: 0,
      drain: true,
    }),
  );
}

/**
 * AMQP names a link by (name, role): a client may attach a sender and a receiver under one name (Qpid Proton
 * does, naming links after their address). rhea's session keys its links by name alone and takes the second
 * attach for a repeat of the first ("Attach already received"); this makes it look the name up per role.
 */
let attachByRole = false;
export function attachLinksByRole(): void {
  if (attachByRole) return;
  attachByRole = true;
  interface Link {
    is_sender(): boolean;
    on_attach(frame: unknown): void;
    remote: { attach?: unknown };
  }
  interface AttachFrame {
    performative: { name: string; handle: number; role: boolean };
  }
  const Session = require('rhea/lib/session.js') as {
    prototype: {
      on_attach: (this: SessionThis, frame: AttachFrame) => void;
    };
  };
  interface SessionThis {
    links: Record<string, Link | undefined>;
    remote: { handles: Record<number, Link> };
    create_sender(name: string): Link;
    create_receiver(name: string): Link;
  }
  Session.prototype.on_attach = function (this: SessionThis, frame: AttachFrame) {
    const name = frame.performative.name;
    // role true: the peer is the receiver, so this end sends.
    const weSend = frame.performative.role;
    let link = this.links[name];
    if (link === undefined || link.is_sender() !== weSend) {
      const other = link;
      link = weSend ? this.create_sender(name) : this.create_receiver(name);
      if (other !== undefined) {
        this.links[name] = other;
        this.links[`${name}\u0000${weSend ? 'sender' : 'receiver'}`] = link;
      }
    }
    this.remote.handles[frame.performative.handle] = link;
    link.on_attach(frame);
    link.remote.attach = frame.performative;
  };
}

/** rhea's AMQP protocol header went out (after SASL, before the broker's Open). */
export function amqpHeaderSent(connection: RheaConnection): boolean {
  return (
    (connection as unknown as { amqp_transport: { header_sent?: unknown } }).amqp_transport.header_sent !== undefined
  );
}

export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);

interface EndpointStateHolder {
  state: { open_requests: number; local_open: boolean };
  connection: { _register(): void };
}

/**
 * rhea answers a peer's attach at once; ActiveMQ answers it only once the broker has the producer or consumer
 * (so a client that attaches a durable subscriber and then publishes finds the subscription there). The pending
 * answer is held here and written by `releaseAttach`, or together with the detach when the link is refused.
 */
export function holdAttach(link: RheaEndpoint): void {
  const l = link as unknown as EndpointStateHolder;
  if (l.state.local_open) l.state.open_requests = 0;
}

export function releaseAttach(link: RheaEndpoint): void {
  const l = link as unknown as EndpointStateHolder;
  if (l.state.local_open && l.state.open_requests === 0) {
    l.state.open_requests = 1;
    l.connection._register();
  }
}

/** A held link refused: its attach goes out first, then the detach with the error (as proton answers). */
export function refuseHeld(link: RheaEndpoint, error: AmqpErrorCondition): void {
  const l = link as unknown as EndpointStateHolder;
  if (l.state.local_open && l.state.open_requests === 0) l.state.open_requests = 1;
  link.close(error);
}

/** The coordinator target of a transaction controller's link (AMQP 1.0 §4.5.1), as rhea hands it over. */
export class CoordinatorTerminus {
  constructor(
    /** The target exactly as the client sent it, echoed in the broker's attach (ActiveMQ echoes it too). */
    readonly raw: Typed,
  ) {}
}

const COORDINATOR_CODE = 0x30;
const DECLARED_CODE = 0x33;
const TRANSACTIONAL_STATE_CODE = 0x34;

/** Whether a described value carries the descriptor `code` (numeric) or `amqp:<name>:list` (symbolic). */
export function hasDescriptor(value: unknown, code: number, name: string): value is Typed {
  const d = (value as { descriptor?: { value?: unknown } } | null | undefined)?.descriptor?.value;
  return d === code || d === `amqp:${name}:list` || (typeof d === 'bigint' && d === BigInt(code));
}

/**
 * rhea knows the source and target termini and the four messaging outcomes, but none of AMQP's transaction
 * types (§4.5): it would log "Unknown terminus" and hand over a null target for a coordinator, and log
 * "unrecognised outcome" for a transactional-state disposition. This teaches its module both, once:
 * a coordinator target comes through as a CoordinatorTerminus, and the declared and transactional-state
 * delivery states as composites whose `composite_type` rhea turns into a link event of that name
 * (`declared`, `transactional_state`), the way it raises `accepted` or `released`.
 */
let transactionTypes = false;
export function teachTransactionTypes(): void {
  if (transactionTypes) return;
  transactionTypes = true;
  const terminus = require('rhea/lib/terminus.js') as { unwrap(field: unknown): unknown };
  const unwrapTerminus = terminus.unwrap.bind(terminus);
  terminus.unwrap = (field: unknown): unknown =>
    hasDescriptor(field, COORDINATOR_CODE, 'coordinator') ? new CoordinatorTerminus(field) : unwrapTerminus(field);
  const types = rhea.types as unknown as {
    define_composite(def: {
      name: string;
      code: number;
      fields: { name: string; type: string }[];
    }): (new (value: unknown) => object) & { composite_type?: string };
  };
  const declared = types.define_composite({
    name: 'declared',
    code: DECLARED_CODE,
    fields: [{ name: 'txn_id', type: 'binary' }],
  });
  declared.composite_type = 'declared';
  const txState = types.define_composite({
    name: 'transactional-state',
    code: TRANSACTIONAL_STATE_CODE,
    fields: [
      { name: 'txn_id', type: 'binary' },
      { name: 'outcome', type: '*' },
    ],
  });
  txState.composite_type = 'transactional_state';
  const m = rhea.message as unknown as { unwrap_outcome(o: unknown): unknown };
  const unwrapOutcome = m.unwrap_outcome.bind(m);
  m.unwrap_outcome = (o: unknown): unknown => {
    if (hasDescriptor(o, TRANSACTIONAL_STATE_CODE, 'transactional-state')) return new txState(o.value);
    if (hasDescriptor(o, DECLARED_CODE, 'declared')) return new declared(o.value);
    return unwrapOutcome(o);
  };
}

/** rhea's outcome composite for a described outcome (accepted, rejected, released, modified, …). */
export function unwrapOutcome(
  outcome: unknown,
): { readonly constructor: { readonly composite_type?: string } } & Record<string, unknown> {
  return (rhea.message as unknown as { unwrap_outcome(o: unknown): never }).unwrap_outcome(outcome);
}
