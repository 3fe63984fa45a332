/**
 * A broker with a STOMP connector and the web server on 127.0.0.1 port 0, with a users file holding an admin
 * and a user-role account, for the HTTP tests.
 */
import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BrokerManagement } from '../../../src/management/broker-management.js';
import { managementHost } from '../../../src/server/management-host.js';
import { PropertiesRealm, type WebRealm } from '../../../src/web/realm.js';
import { DEFAULT_WEB_CONFIG, type WebConfig } from '../../../src/web/web-config.js';
import { WebServer, type WebServerOptions } from '../../../src/web/web-server.js';
import { webRoutes } from '../../../src/web/routes.js';
import { startBroker } from '../../stomp/helpers.js';
import type { BrokerService } from '../../../src/server/broker-service.js';

export const ADMIN = 'admin:s3cret-admin';
export const VIEWER = 'viewer:s3cret-viewer';
export const REALM_TEXT = 'admin: s3cret-admin, admin\nviewer: s3cret-viewer, user\n';

export interface WebBroker {
  service: BrokerService;
  stompPort: number;
  mgmt: BrokerManagement;
  web: WebServer;
  base: string;
  /** fetch with Basic credentials `user:password` (ADMIN by default). */
  call(path: string, init?: RequestInit & { auth?: string | null }): Promise<Response>;
}

export async function startWebBroker(
  t: TestContext,
  options: { config?: Partial<WebConfig>; realm?: WebRealm; tls?: WebServerOptions['tls'] } = {},
): Promise<WebBroker> {
  const { service, port } = await startBroker();
  const stopped: { value: boolean } = { value: false };
  const mgmt = new BrokerManagement(managementHost(service, { stop: () => (stopped.value = true) }));
  const config: WebConfig = { ...DEFAULT_WEB_CONFIG, port: 0, ...options.config };
  const web = new WebServer({
    config,
    realm: options.realm ?? new PropertiesRealm(REALM_TEXT, 'test-realm'),
    mgmt,
    routes: webRoutes(mgmt),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  });
  await web.start();
  t.after(async () => {
    await web.stop();
    await service.stop();
  });
  const base = config.port >= 0 ? web.url('http') : web.url('https');
  const call = (path: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const auth = init.auth === undefined ? ADMIN : init.auth;
    if (auth !== null) headers.set('Authorization', `Basic ${Buffer.from(auth).toString('base64')}`);
    return fetch(base + path, { ...init, headers });
  };
  return { service, stompPort: port, mgmt, web, base, call };
}

const run = promisify(execFile);

/** Runs curl as a user would type it; resolves with stdout. */
export async function curl(args: string[]): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '30', ...args]);
  return stdout;
}
