/**
 * A nested structure (a dispatched message) marshalled once, to be placed into many frames: the same message
 * published to N topic subscribers is encoded once per wire format instead of once per subscriber, and each
 * MessageDispatch around it (consumerId, redeliveryCounter) is marshalled per subscriber.
 *
 * Only valid without the marshal cache: with it, the bytes of a cached field (producerId, destination, …)
 * depend on the state of each connection's cache, so no two connections would share them. In tight encoding
 * the structure's booleans belong in the enclosing frame's BooleanStream; they are kept here as bits and
 * appended to it, and the data part is kept as bytes.
 *
 * Produced by Marshaller.preEncode and recognised by the Marshaller where a nested structure is written.
 */
export class PreEncoded {
  constructor(
    /** The structure's type, for a frame that checks what a field may hold. */
    readonly type: number,
    readonly version: number,
    readonly tight: boolean,
    /** Tight only: the structure's BooleanStream bits (null flag first), least significant bit first. */
    readonly bits: Uint8Array,
    readonly bitCount: number,
    /** The marshalled bytes (loose: null flag, type, fields; tight: type, fields) without the external arrays. */
    readonly data: Buffer,
    /** Byte arrays left out of `data`, each belonging before `data[at]`, in order. */
    readonly externals: readonly { at: number; data: Uint8Array }[],
    readonly externalBytes: number,
    /**
     * Where in `data` the message's brokerOutTime (8 bytes) is, or -1 when it cannot be rewritten in place (see
     * Marshaller.preEncode).
     */
    readonly outTimeAt: number,
    /** The brokerOutTime `data` holds. */
    readonly encodedOutTime: number,
  ) {
    this.outTime = encodedOutTime;
  }

  /**
   * The brokerOutTime the next frame writes (ActiveMQ stamps each dispatch: RegionBroker.preProcessDispatch).
   * Set right before the frame is encoded, which happens at once: the frame's copy is stamped, never `data`.
   */
  outTime: number;

  /** Whether `t` can be stamped into a copy of these bytes (else the message must be encoded again). */
  canStamp(t: number): boolean {
    if (t === this.encodedOutTime) return true;
    return this.outTimeAt >= 0 && (!this.tight || t >= 0x100000000);
  }

  /** Bytes the structure takes in a frame. */
  get size(): number {
    return this.data.length + this.externalBytes;
  }
}
