/**
 * TideMQ's OpenWire codec: a pure, table-driven, resumable encoder/decoder for ActiveMQ's OpenWire protocol,
 * versions 1 to 12. It imports nothing of the broker and touches no socket. See docs/openwire-codec.md.
 */
export * from './types.js';
export type * from './commands.js';
export { CodecError, isCodecError } from './errors.js';
export { ByteWriter } from './byte-writer.js';
export {
  OpenWireFormat,
  DEFAULT_WIRE_FORMAT_OPTIONS,
  MARSHAL_CACHE_SIZE,
  createWireFormatInfo,
  negotiateWireFormat,
  wireFormatInfoOptions,
  wireFormatInfoProperties,
  type NegotiatedWireFormat,
  type WireFormatOptions,
} from './wire-format.js';
export * from './ids.js';
export * from './message-body.js';
export { specOf, allSpecs, type TypeSpec, type FieldSpec } from './schema.js';
export { command } from './command.js';
