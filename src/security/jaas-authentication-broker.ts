import type { Broker, ConnectionContext, SecurityContext } from '../broker/broker.js';
import { BrokerError } from '../util/errors.js';
import { AuthenticationFilter, type AuthenticationGuard } from './authentication-filter.js';
import { javaSubjectDn } from './jaas/distinguished-name.js';
import type { JaasLogin } from './jaas/jaas-login.js';
import type { PrincipalSecurityContext } from './user-id-broker.js';

export interface JaasAuthenticationOptions extends AuthenticationGuard {
  /** The login.config entry for user name and password (jaasAuthenticationPlugin's `configuration`). */
  password: JaasLogin | null;
  /** The entry for client certificates (the certificate plugin's `configuration`, the dual plugin's `sslConfiguration`). */
  certificate: JaasLogin | null;
}

/**
 * ActiveMQ's three JAAS plugins in one filter:
 * - jaasAuthenticationPlugin (password only): a failure is `User name [<name>] or password is invalid.`;
 * - jaasCertificateAuthenticationPlugin (certificate only): a connection without a client certificate is refused
 *   with `Unable to authenticate transport without SSL certificate.`, a certificate no user maps to with
 *   `User name [<name>] or password is invalid. <reason>` (JaasCertificateAuthenticationBroker); the user name
 *   authorization and JMSXUserID see is the certificate's DN, as JaasCertificateSecurityContext reports it;
 * - jaasDualAuthenticationPlugin: the certificate entry when the connection presented a verified client
 *   certificate, the password entry otherwise.
 */
export class JaasAuthenticationBroker extends AuthenticationFilter {
  constructor(
    next: Broker,
    private readonly options: JaasAuthenticationOptions,
  ) {
    super(next, options);
  }

  protected override async authenticate(context: ConnectionContext): Promise<SecurityContext> {
    const { userName, password } = context.info;
    const certificates = context.info.peerCertificates ?? [];
    const { password: passwordLogin, certificate: certificateLogin } = this.options;
    // As ActiveMQ's dual plugin: a connection over TLS logs in by certificate (and fails without one), any
    // other by password; the certificate-only plugin always uses certificates.
    const byCertificate = passwordLogin === null || context.info.secure === true || certificates.length > 0;
    if (certificateLogin !== null && byCertificate) {
      if (certificates.length === 0) {
        throw new BrokerError(
          'ERR_SECURITY_AUTHENTICATION',
          'Unable to authenticate transport without SSL certificate.',
        );
      }
      try {
        const subject = await certificateLogin.login({ userName, password, certificates });
        const security: PrincipalSecurityContext = {
          userName: javaSubjectDn(certificates[0]!),
          groups: subject.groups,
          isBrokerInternal: false,
          userPrincipal: subject.user,
        };
        return security;
      } catch (e) {
        throw new BrokerError(
          'ERR_SECURITY_AUTHENTICATION',
          `User name [${userName ?? 'null'}] or password is invalid. ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
    if (passwordLogin === null) throw new BrokerError('ERR_INTERNAL', 'no JAAS login configured');
    try {
      const subject = await passwordLogin.login({ userName, password, certificates: [] });
      // JaasSecurityContext keeps the name the client gave, even when a guest module let it in.
      const security: PrincipalSecurityContext = {
        userName,
        groups: subject.groups,
        isBrokerInternal: false,
        userPrincipal: subject.user,
      };
      return security;
    } catch (e) {
      throw new BrokerError(
        'ERR_SECURITY_AUTHENTICATION',
        `User name [${userName ?? 'null'}] or password is invalid.`,
        {
          cause: e,
        },
      );
    }
  }
}
