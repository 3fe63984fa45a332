import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type Timer } from '../../util/clock.js';
import { Logger } from '../../util/logger.js';
import type { DiscoveredService, DiscoveryAgent } from './discovery-agent.js';
import type { LocalServices } from './local-services.js';
import { openMulticastChannel, type MulticastChannel, type MulticastChannelFactory } from './multicast-channel.js';
import { MAX_DATAGRAM_BYTES, decodeDatagram, encodeDatagram } from './multicast-datagram.js';
import { HEARTBEAT_MISS_BEFORE_DEATH, type MulticastDiscoveryOptions } from './multicast-options.js';
import { RemoteService } from './remote-service.js';

/**
 * More distinct services than any real network has: past this, announcements of new ones are ignored (and
 * logged once), so a flood of forged datagrams with unique URIs cannot grow the table without bound.
 */
export const MAX_DISCOVERED_SERVICES = 1024;

export interface MulticastDiscoveryAgentDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Written in the datagrams' broker-name field. */
  readonly brokerName?: string;
  /** This broker's own advertised services: never offered as discovered (see LocalServices). */
  readonly localServices?: LocalServices;
  readonly channelFactory?: MulticastChannelFactory;
}

/**
 * ActiveMQ's MulticastDiscoveryAgent: announces this broker's service (`registerService`) to a multicast group
 * every keepAliveInterval, and reports the services others announce — `serviceAdd` the first time one is heard,
 * `serviceRemove` when it says `dead` or stays silent for keepAliveInterval × 10. When a bridge to a service
 * fails, `serviceFailed` removes it and its announcements are ignored for a back-off delay, after which the next
 * one offers it again (until maxReconnectAttempts failures). Its own announcements, and any service of this
 * broker (LocalServices), are never offered. Datagrams are exactly ActiveMQ 5.17's (multicast-datagram.ts), so
 * TideMQ and ActiveMQ brokers on one group find each other.
 */
export class MulticastDiscoveryAgent extends EventEmitter implements DiscoveryAgent {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly brokerName: string;
  private readonly services = new Map<string, RemoteService>();
  private selfService: string | null = null;
  private channel: MulticastChannel | null = null;
  private timer: Timer | null = null;
  private started = false;
  private reportAdvertiseFailed = true;
  private reportedFull = false;
  private reportedMalformed = false;

  constructor(
    readonly options: MulticastDiscoveryOptions,
    private readonly deps: MulticastDiscoveryAgentDeps = {},
  ) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.brokerName = deps.brokerName ?? 'localhost';
    this.log = (deps.logger ?? Logger.silent()).child({
      discovery: `multicast://${options.address}:${options.port}`,
      group: options.group,
    });
  }

  /** The services heard and not failed, as a network connector would see them now. */
  discovered(): DiscoveredService[] {
    return [...this.services.values()].filter((s) => !s.failed).map((s) => s.event);
  }

  async start(): Promise<void> {
    if (this.started) return;
    const channel = await (this.deps.channelFactory ?? openMulticastChannel)(this.options);
    this.channel = channel;
    this.started = true;
    channel.onMessage((data) => this.onDatagram(data));
    channel.onError((e) => this.log.warn('Multicast discovery socket error', { error: e.message }));
    // doTimeKeepingServices: announce, then forget the silent, once per keepAliveInterval.
    this.timer = this.clock.setInterval(() => this.timeKeeping(), this.options.keepAliveInterval);
    void this.advertise();
    this.log.info('Multicast discovery started', {
      advertise: this.selfService ?? undefined,
      keepAliveInterval: this.options.keepAliveInterval,
    });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
    // The `dead` datagram (doAdvertizeSelf with started false) lets peers drop this service at once.
    const last = this.advertise();
    const channel = this.channel;
    this.channel = null;
    await last;
    await channel?.close();
    this.services.clear();
  }

  registerService(uri: string): void {
    this.selfService = uri;
    if (this.started) void this.advertise();
  }

  serviceFailed(service: DiscoveredService): void {
    const data = this.services.get(service.uri);
    if (data === undefined) return;
    const delay = data.markFailed(this.clock.now());
    if (delay !== null) {
      this.log.info('Discovered service failed; ignoring its announcements for a while', {
        service: service.uri,
        failures: data.failureCount,
        delayMs: delay,
      });
      this.fire('serviceRemove', data);
    }
  }

  private timeKeeping(): void {
    if (!this.started) return;
    void this.advertise();
    const expireTime = this.clock.now() - this.options.keepAliveInterval * HEARTBEAT_MISS_BEFORE_DEATH;
    for (const data of [...this.services.values()]) {
      if (data.lastHeartBeat < expireTime) this.processDead(data.event.uri, 'expired');
    }
  }

  /** Sends `alive` while started, `dead` after (doAdvertizeSelf); nothing before a service is registered. */
  private advertise(): Promise<void> {
    const channel = this.channel;
    if (this.selfService === null || channel === null) return Promise.resolve();
    const text = encodeDatagram(this.options.group, {
      alive: this.started,
      brokerName: this.brokerName,
      service: this.selfService,
    });
    return channel.send(Buffer.from(text, 'utf8')).then(
      () => {
        this.reportAdvertiseFailed = true;
      },
      (e: NodeJS.ErrnoException) => {
        // As ActiveMQ: one report, not one per keep-alive, while sends keep failing.
        if (!this.reportAdvertiseFailed) return;
        this.reportAdvertiseFailed = false;
        this.log.error(`Failed to advertise our service: ${text}`, { error: e.message });
        if (e.code === 'EPERM') {
          this.log.error(
            "The 'Operation not permitted' error has been know to be caused by improper firewall/network setup.  " +
              'Please make sure that the OS is properly configured to allow multicast traffic',
          );
        }
      },
    );
  }

  private onDatagram(data: Buffer): void {
    if (!this.started || data.length === 0) return;
    if (data.length > MAX_DATAGRAM_BYTES) {
      this.malformed(`a datagram of ${data.length} bytes`);
      return;
    }
    const text = data.toString('utf8');
    const d = decodeDatagram(this.options.group, text);
    if (d === null) {
      // Another group's announcements share the address and port: not ours, and not worth a line.
      if (text.includes('.ActiveMQ-4.') && !text.startsWith(`${this.options.group}.`)) return;
      this.malformed(JSON.stringify(text.slice(0, 200)));
      return;
    }
    if (d.alive) this.processAlive(d.brokerName, d.service);
    else this.processDead(d.service, 'dead');
  }

  private malformed(what: string): void {
    if (this.reportedMalformed) {
      this.log.debug('Ignoring a malformed discovery datagram', { datagram: what });
      return;
    }
    this.reportedMalformed = true;
    this.log.warn('Ignoring a malformed discovery datagram (further ones are logged at debug)', { datagram: what });
  }

  private isOwn(service: string): boolean {
    return service === this.selfService || (this.deps.localServices?.has(service) ?? false);
  }

  private processAlive(brokerName: string, service: string): void {
    if (this.isOwn(service)) return;
    const now = this.clock.now();
    const data = this.services.get(service);
    if (data === undefined) {
      if (this.services.size >= MAX_DISCOVERED_SERVICES) {
        if (!this.reportedFull) {
          this.reportedFull = true;
          this.log.warn('Too many discovered services; ignoring new announcements', {
            limit: MAX_DISCOVERED_SERVICES,
            service,
          });
        }
        return;
      }
      const created = new RemoteService({ uri: service, brokerName }, now, this.options);
      this.services.set(service, created);
      this.log.info('Discovered service', { service, brokerName });
      this.fire('serviceAdd', created);
      // A newcomer hears from us at once instead of after up to keepAliveInterval (processAlive).
      void this.advertise();
      return;
    }
    data.updateHeartBeat(now);
    if (data.doRecovery(now)) {
      this.log.info('Offering a failed service again', { service, failures: data.failureCount });
      this.fire('serviceAdd', data);
    }
  }

  private processDead(service: string, why: 'dead' | 'expired'): void {
    if (this.isOwn(service)) return;
    const data = this.services.get(service);
    if (data === undefined) return;
    this.services.delete(service);
    this.reportedFull = false;
    if (data.failed) return; // already removed when it failed
    this.log.info(why === 'dead' ? 'Discovered service stopped' : 'Discovered service went silent', { service });
    this.fire('serviceRemove', data);
  }

  private fire(event: 'serviceAdd' | 'serviceRemove', data: RemoteService): void {
    if (!this.started) return;
    try {
      this.emit(event, data.event);
    } catch (e) {
      // A listener's fault must not stop discovery (ActiveMQ hands events to a separate notifier thread).
      this.log.error('Discovery listener failed', { event, service: data.event.uri, error: e });
    }
  }
}
