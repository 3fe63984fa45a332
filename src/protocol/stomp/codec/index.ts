export { StompFrameError, isStompFrameError, type StompErrorCode } from './errors.js';
export { EMPTY_BODY, SUPPORTED_VERSIONS, isUnescapedCommand, type StompFrame, type StompVersion } from './frame.js';
export { defaultStompLimits, type StompLimits } from './limits.js';
export { StompParser, parseContentLength } from './parser.js';
export { FRAME_END, HEARTBEAT, encodeFrame, encodeHead, type HeaderList } from './encoder.js';
export { decodeHeaderBytes, encodeHeaderText } from './escape.js';
