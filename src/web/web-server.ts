import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import type { BrokerManagement } from '../management/broker-management.js';
import { BrokerError } from '../util/errors.js';
import { LoginThrottle } from '../security/login-throttle.js';
import { systemClock } from '../util/clock.js';
import { Logger } from '../util/logger.js';
import { crossSiteReason } from './csrf.js';
import {
  HttpError,
  readBody,
  securityHeaders,
  sendJson,
  statusOf,
  type WebRequest,
  type WebRoute,
} from './http-support.js';

export type { WebRoute };
import type { WebRealm, WebUser } from './realm.js';
import { RestMessaging } from './rest-message.js';
import { isLoopback, type WebConfig } from './web-config.js';

export interface WebServerOptions {
  config: WebConfig;
  realm: WebRealm;
  mgmt: BrokerManagement;
  /** Key material for the HTTPS listener (loaded by the caller from config.ssl). */
  tls?: SecureContextOptions;
  logger?: Logger;
  /** More routes (Jolokia, metrics, the JSON API) in front of the built-in /api/message. */
  routes?: readonly WebRoute[];
  /** Slows password guessing on Basic auth (the broker's login throttle; ActiveMQ's Jetty has none). */
  throttle?: LoginThrottle;
}

/** ActiveMQ's realm name, so a browser's saved login prompt reads the same. */
const REALM = 'ActiveMQRealm';

/**
 * The HTTP(S) server ActiveMQ runs in Jetty on 8161: Basic authentication for every path, roles admin/user,
 * security headers, bounded bodies and timeouts, the cross-site check on anything that changes state.
 */
export class WebServer {
  private readonly servers: { server: http.Server; scheme: 'http' | 'https' }[] = [];
  private readonly logger: Logger;
  readonly rest: RestMessaging;
  private readonly routes: WebRoute[];
  private readonly throttle: LoginThrottle;

  constructor(private readonly options: WebServerOptions) {
    this.logger = options.logger ?? Logger.silent();
    const { config, realm } = options;
    // Secure by default: ActiveMQ ships admin/admin and binds 0.0.0.0 in old versions; here the well-known
    // passwords only ever answer on loopback.
    for (const host of [config.host]) {
      if (!isLoopback(host) && realm.hasDefaultCredentials) {
        throw new BrokerError(
          'ERR_CONFIG',
          `The web console would listen on ${host} with the default admin/admin or user/user password ` +
            `(${realm.description}): change the passwords, or bind it to 127.0.0.1`,
        );
      }
    }
    if (config.httpsPort >= 0 && options.tls === undefined) {
      throw new BrokerError('ERR_CONFIG', 'The web console https port needs a key store (--web-keystore)');
    }
    this.throttle = options.throttle ?? new LoginThrottle(systemClock, {}, this.logger);
    this.rest = new RestMessaging(options.mgmt, config.maxBodyBytes, config.maxWaitingReceives);
    const restRoute: WebRoute = {
      prefix: '/api/message',
      handle: (r, rest) => this.rest.handle(r, rest),
      // Receiving consumes a message: it changes state as much as sending does.
      changesState: () => true,
    };
    this.routes = [...(options.routes ?? []), restRoute];
  }

  async start(): Promise<void> {
    const { config } = this.options;
    const make = (scheme: 'http' | 'https'): http.Server => {
      const handler = (req: IncomingMessage, res: ServerResponse): void => {
        void this.dispatch(req, res, scheme === 'https');
      };
      const server =
        scheme === 'https' ? https.createServer({ ...this.options.tls }, handler) : http.createServer(handler);
      server.requestTimeout = config.requestTimeoutMs;
      server.headersTimeout = Math.min(config.requestTimeoutMs, 20_000);
      server.keepAliveTimeout = 5_000;
      server.maxHeadersCount = 100;
      server.maxConnections = config.maxConnections;
      return server;
    };
    const listen = async (scheme: 'http' | 'https', port: number): Promise<void> => {
      const server = make(scheme);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push({ server, scheme });
      this.logger.info(`Web console ${scheme} started at ${this.url(scheme)}`);
    };
    try {
      if (config.port >= 0) await listen('http', config.port);
      if (config.httpsPort >= 0) await listen('https', config.httpsPort);
    } catch (e) {
      await this.stop();
      const err = e as NodeJS.ErrnoException;
      throw new BrokerError(
        'ERR_CONFIG',
        `Web console failed to start: ${err.code === 'EADDRINUSE' ? 'Address already in use' : err.message}`,
      );
    }
  }

  /** The bound URL of a listener (`http://127.0.0.1:8161`). */
  url(scheme: 'http' | 'https' = 'http'): string {
    const s = this.servers.find((x) => x.scheme === scheme);
    if (s === undefined) throw new Error(`No ${scheme} listener`);
    const a = s.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${scheme}://${host}:${a.port}`;
  }

  async stop(): Promise<void> {
    for (const r of this.routes) r.close?.();
    await this.rest.close();
    for (const { server } of this.servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async authenticate(req: IncomingMessage): Promise<WebUser | null> {
    const h = req.headers.authorization;
    if (h === undefined || !/^Basic /i.test(h)) return null;
    const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return null;
    const name = decoded.slice(0, i);
    // Every request carries the password again: a wrong one is answered late, and parallel guesses are refused
    // unchecked, as the broker's own logins are (src/security/login-throttle.ts).
    const attempt = this.throttle.admit(name, `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`);
    if (typeof attempt === 'string') throw new HttpError(429, 'Too many login attempts in progress; try again later');
    let user: WebUser | null;
    try {
      user = await this.options.realm.authenticate(name, decoded.slice(i + 1));
    } catch (e) {
      this.throttle.abandoned(attempt);
      throw e;
    }
    if (user === null) await this.throttle.failed(attempt);
    else this.throttle.succeeded(attempt, true);
    return user;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> {
    securityHeaders(res);
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        throw new HttpError(400, 'Bad request URL');
      }
      // JSONP would hand broker data to any page that includes the URL as a script.
      if (url.searchParams.has('callback')) throw new HttpError(400, 'JSONP (callback) is not supported');
      const user = await this.authenticate(req);
      if (user === null) {
        res.setHeader('WWW-Authenticate', `Basic realm="${REALM}"`);
        throw new HttpError(401, 'Authentication required');
      }
      const isAdmin = user.roles.has('admin');
      if (!isAdmin && !user.roles.has('user'))
        throw new HttpError(403, `User ${user.name} has neither the admin nor the user role`);
      let bodyRead: Promise<Buffer> | null = null;
      const r: WebRequest = {
        req,
        res,
        url,
        user,
        isAdmin,
        body: () => (bodyRead ??= readBody(req, this.options.config.maxBodyBytes)),
      };
      const path = url.pathname;
      const route = this.routes.find((x) => path === x.prefix || path.startsWith(`${x.prefix}/`));
      if (route === undefined) {
        if (path === '/') {
          res.writeHead(302, { Location: '/admin/' });
          res.end();
          return;
        }
        throw new HttpError(404, `No resource at ${path}`);
      }
      const rest = path.slice(route.prefix.length);
      const method = req.method ?? 'GET';
      // Any non-GET, and a GET that acts (Jolokia exec, a REST receive), must come from no foreign page. Which
      // role may do what each route decides (requireAdmin), since a Jolokia POST may be a bulk of reads.
      if (method !== 'GET' && method !== 'HEAD' ? true : route.changesState(r, rest)) {
        const reason = crossSiteReason(req, secure);
        if (reason !== null) throw new HttpError(403, `Cross-site request refused (${reason})`);
      }
      await route.handle(r, rest);
    } catch (e) {
      const status = statusOf(e);
      if (status >= 500) this.logger.error('Web request failed', { url: req.url, error: e });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (status === 413) res.setHeader('Connection', 'close');
      sendJson(res, status, { status, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
