import type { ProtocolModule } from '../protocol/protocol.js';

/**
 * The protocol modules this build serves, by name. Each module declares its own scheme and how to
 * recognise itself; connectors and auto-detection look them up here.
 */
const modules = new Map<string, ProtocolModule>();

export function registerProtocol(module: ProtocolModule): void {
  modules.set(module.name, module);
}

export function protocolModule(name: string): ProtocolModule {
  const m = modules.get(name);
  if (m === undefined) throw new Error(`Protocol ${name} is not available in this build`);
  return m;
}

export function protocolModules(): ProtocolModule[] {
  return [...modules.values()];
}
