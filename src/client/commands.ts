/** The client builds its commands with the codec's `command()` (Java defaults, then the fields it sets). */
export { command } from '../protocol/openwire/codec/command.js';
