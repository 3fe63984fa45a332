export { stompProtocol, detectStomp } from './stomp-module.js';
export { StompConnection } from './connection.js';
export { stompSettings, negotiateVersion, STOMP_OPTION_NAMES, type StompSettings } from './settings.js';
export { StompProtocolError } from './protocol-error.js';
export * from './codec/index.js';
