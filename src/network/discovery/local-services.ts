/**
 * The service URIs this broker advertises (every transportConnector with a discoveryUri). One set per broker,
 * shared by all its discovery agents: the agent of a `<networkConnector uri="multicast://default">` hears the
 * announcements of its own broker's transport connectors on the same group, and offering those would make the
 * broker bridge to itself (the warning on ActiveMQ's SSL page; ActiveMQ's network agent has no way to know).
 */
export class LocalServices {
  private readonly services = new Set<string>();

  add(uri: string): void {
    this.services.add(uri);
  }

  delete(uri: string): void {
    this.services.delete(uri);
  }

  has(uri: string): boolean {
    return this.services.has(uri);
  }

  list(): string[] {
    return [...this.services];
  }
}
