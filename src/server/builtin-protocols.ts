/**
 * Registers the protocol modules shipped with TideMQ. Importing this file is what makes a protocol
 * available to `tidemq start` and to configuration files.
 */
import { stompProtocol } from '../protocol/stomp/index.js';
import { registerProtocol } from './protocols.js';

registerProtocol(stompProtocol);
