import { BrokerFilter } from '../broker/broker-filter.js';
import type { Broker, ConnectionContext, SecurityContext } from '../broker/broker.js';
import type { Message } from '../model/message.js';

/** A SecurityContext from a JAAS login, which knows its UserPrincipal (the users-file name, not the DN). */
export interface PrincipalSecurityContext extends SecurityContext {
  readonly userPrincipal: string | null;
}

function userPrincipalOf(security: SecurityContext | null): string | null {
  if (security === null || !('userPrincipal' in security)) return null;
  return (security as PrincipalSecurityContext).userPrincipal;
}

/**
 * ActiveMQ's UserIDBroker, installed by the broker attribute populateJMSXUserID: every message sent gets
 * JMSXUserID = the user name the connection logged in with, replacing whatever the client put there (a client
 * cannot claim to be someone else). With useAuthenticatedPrincipalForJMSXUserID the authenticated UserPrincipal is
 * used instead when the login produced one (JAAS logins do; simpleAuthenticationPlugin does not, so there the
 * connection's user name stays, as in ActiveMQ).
 */
export class UserIdBroker extends BrokerFilter {
  constructor(
    next: Broker,
    private readonly useAuthenticatedPrincipal: boolean,
  ) {
    super(next);
  }

  override send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    let userId = context.info.userName;
    if (this.useAuthenticatedPrincipal) userId = userPrincipalOf(context.security) ?? userId;
    message.userId = userId;
    return super.send(context, message, transactionId);
  }
}
