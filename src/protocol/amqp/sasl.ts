/**
 * The broker's SASL mechanisms, as ActiveMQ's AmqpAuthenticator offers them (PLAIN and ANONYMOUS), plus
 * EXTERNAL on a TLS connection that presented a client certificate. A mechanism only collects the identity;
 * the broker's authentication filters judge it when the connection is added (at the client's Open), so AMQP
 * logins go through the same plugins, login throttle and error texts as every other protocol.
 */
export interface SaslIdentity {
  mechanism: string | null;
  userName: string | null;
  password: string | null;
}

/** One mechanism object as rhea's SaslServer drives it: `start`, then `outcome` true/false. */
interface ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  start(response: Buffer | undefined): void;
  step(): void;
}

/** RFC 4616: [authzid] NUL authcid NUL passwd. */
function parsePlain(response: Buffer | undefined): { user: string; password: string } | null {
  if (response === undefined || response === null) return null;
  const first = response.indexOf(0);
  if (first < 0) return null;
  const second = response.indexOf(0, first + 1);
  if (second < 0) return null;
  if (response.indexOf(0, second + 1) >= 0) return null;
  return {
    user: response.toString('utf8', first + 1, second),
    password: response.toString('utf8', second + 1),
  };
}

export function saslMechanisms(identity: SaslIdentity, external: boolean): Record<string, () => unknown> {
  const mechanisms: Record<string, () => ServerMechanism> = {
    PLAIN: () => ({
      outcome: undefined,
      username: undefined,
      start(response) {
        const parsed = parsePlain(response);
        identity.mechanism = 'PLAIN';
        // A malformed PLAIN response fails the exchange (ActiveMQ's PlainMechanism sets isFailed).
        this.outcome = parsed !== null;
        if (parsed !== null) {
          this.username = parsed.user;
          identity.userName = parsed.user.length > 0 ? parsed.user : null;
          identity.password = parsed.password;
        }
      },
      step() {},
    }),
    ANONYMOUS: () => ({
      outcome: undefined,
      username: undefined,
      start() {
        // ActiveMQ's AnonymousMechanism logs in with no user name and no password; the authentication plugin
        // decides (anonymousAccessAllowed), and without one every connection is let in.
        identity.mechanism = 'ANONYMOUS';
        this.outcome = true;
      },
      step() {},
    }),
  };
  if (external) {
    mechanisms.EXTERNAL = () => ({
      outcome: undefined,
      username: undefined,
      start() {
        // The identity is the verified certificate chain the transport carries (certificate login plugins).
        identity.mechanism = 'EXTERNAL';
        this.outcome = true;
      },
      step() {},
    });
  }
  return mechanisms;
}
