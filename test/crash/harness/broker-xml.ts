export interface BrokerXmlOptions {
  /** The kahaDB directory. */
  readonly directory: string;
  /** systemUsage storeUsage limit, as activemq.xml writes it ("1 mb"); omitted: ActiveMQ's default. */
  readonly storeLimit?: string;
  readonly sendFailIfNoSpace?: boolean;
  /** kahaDB attributes, e.g. { journalMaxFileLength: '256 kb', checkpointInterval: '200' }. */
  readonly kahaDB?: Readonly<Record<string, string>>;
  /** systemUsage memoryUsage limit ("32 mb"); omitted: ActiveMQ's default. */
  readonly memoryLimit?: string;
  /** `<pendingQueuePolicy>` content for a default policy entry, e.g. `<vmQueueCursor/>`. */
  readonly pendingQueuePolicy?: string;
  /** kahaDB's `<locker>` content, e.g. `<shared-file-locker lockAcquireSleepInterval="500"/>`. */
  readonly locker?: string;
}

/**
 * An activemq.xml for the crash tests: OpenWire and STOMP connectors (named so `tidemq start` can move them to
 * port 0), a kahaDB store in the test's directory and, when asked, a storeUsage limit.
 */
export function brokerXml(o: BrokerXmlOptions): string {
  const attrs = Object.entries(o.kahaDB ?? {})
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  const limits = [
    o.memoryLimit === undefined ? '' : `<memoryUsage><memoryUsage limit="${o.memoryLimit}"/></memoryUsage>`,
    o.storeLimit === undefined ? '' : `<storeUsage><storeUsage limit="${o.storeLimit}"/></storeUsage>`,
  ].join('');
  const usage =
    limits === ''
      ? ''
      : `
    <systemUsage>
      <systemUsage${o.sendFailIfNoSpace === undefined ? '' : ` sendFailIfNoSpace="${o.sendFailIfNoSpace}"`}>
        ${limits}
      </systemUsage>
    </systemUsage>`;
  const policy =
    o.pendingQueuePolicy === undefined
      ? ''
      : `
    <destinationPolicy><policyMap><policyEntries>
      <policyEntry queue=">"><pendingQueuePolicy>${o.pendingQueuePolicy}</pendingQueuePolicy></policyEntry>
    </policyEntries></policyMap></destinationPolicy>`;
  return `<beans xmlns="http://www.springframework.org/schema/beans">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="crash" useJmx="false" dataDirectory="${o.directory}/..">
    <persistenceAdapter>
      <kahaDB directory="${o.directory}"${attrs}${o.locker === undefined ? '/>' : `><locker>${o.locker}</locker></kahaDB>`}
    </persistenceAdapter>${usage}${policy}
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:0"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:0"/>
    </transportConnectors>
  </broker>
</beans>
`;
}
