/**
 * Registers the protocol modules shipped with TideMQ. Importing this file is what makes a protocol
 * available to `tidemq start` and to configuration files.
 */
export {};
