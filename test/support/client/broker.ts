import { openWireProtocol } from '../../../src/protocol/openwire/openwire-module.js';
import { groupSet } from '../../../src/security/authorization-map.js';
import { defaultPasswordVerifier } from '../../../src/security/password.js';
import { SimpleAuthenticationBroker } from '../../../src/security/simple-authentication-broker.js';
import { BrokerService, type BrokerPlugin } from '../../../src/server/broker-service.js';
import { Logger } from '../../../src/util/logger.js';

/** An in-process TideMQ with one OpenWire connector on 127.0.0.1:0, for the client's tests. */
export interface TestBroker {
  readonly service: BrokerService;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTestBroker(
  options: { name?: string; auth?: { user: string; password: string }; port?: number; logger?: Logger } = {},
): Promise<TestBroker> {
  const plugins: BrokerPlugin[] = [];
  if (options.auth !== undefined) {
    const { user, password } = options.auth;
    plugins.push(
      (next) =>
        new SimpleAuthenticationBroker(next, {
          users: [{ username: user, password, groups: groupSet('users') }],
          verifier: defaultPasswordVerifier,
          anonymousAccessAllowed: true,
          logger: Logger.silent(),
        }),
    );
  }
  const service = new BrokerService({
    brokerName: options.name ?? 'client-test',
    logger: options.logger ?? Logger.silent(),
    connectors: [
      {
        name: 'openwire',
        scheme: 'tcp',
        protocol: openWireProtocol,
        host: '127.0.0.1',
        port: options.port ?? 0,
        options: {},
      },
    ],
    plugins,
  });
  await service.start();
  const port = service.connector('openwire').port;
  let stopped = false;
  return {
    service,
    port,
    url: `tcp://127.0.0.1:${port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await service.stop();
    },
  };
}

/** Polls `cond` until true (no sleeps in tests). */
export async function waitFor(
  cond: () => boolean,
  what = 'condition',
  timeoutMs = 10_000,
  state?: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${state === undefined ? '' : `: ${state()}`}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
