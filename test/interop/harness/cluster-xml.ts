/**
 * The activemq.xml of one cluster member, the same text for TideMQ and ActiveMQ 5.17: its brokerName, OpenWire on
 * a loopback port chosen up front, a KahaDB store in its own directory, and its networkConnectors written as the
 * ActiveMQ documentation writes them (`static:(tcp://a,tcp://b)?options` plus attributes on the element).
 * KahaDB keeps ActiveMQ's default disk sync: the failover scenario SIGKILLs a broker and counts on what it
 * acknowledged (with journalDiskSyncStrategy="never" ActiveMQ may acknowledge before its write).
 */

export interface NetworkConnectorXml {
  readonly name: string;
  /** Peer transport URIs, e.g. tcp://127.0.0.1:40123. */
  readonly uris: readonly string[];
  readonly uriOptions: Readonly<Record<string, string | number | boolean>>;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Raw child elements of `<networkConnector>`, e.g. `<dynamicallyIncludedDestinations>…`; absent: none. */
  readonly children?: string;
}

export interface MemberXml {
  readonly brokerName: string;
  readonly networkConnectors: readonly NetworkConnectorXml[];
  /** Raw `<policyEntry …/>` elements, or ''. */
  readonly policyEntries: string;
  /** Extra attributes of `<broker>` (e.g. useVirtualDestSubs), written as given. */
  readonly brokerAttributes?: Readonly<Record<string, string | number | boolean>>;
}

/** `static:(tcp://a,tcp://b)?k=v&…`, the static discovery URI of ActiveMQ's networkConnector. */
export function staticUri(nc: Pick<NetworkConnectorXml, 'uris' | 'uriOptions'>): string {
  const query = Object.entries(nc.uriOptions)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('&');
  return `static:(${nc.uris.join(',')})${query === '' ? '' : `?${query}`}`;
}

export function clusterXml(m: MemberXml, openwirePort: number, dataDir: string): string {
  const connectors = m.networkConnectors
    .map((nc) => {
      const attributes = Object.entries(nc.attributes)
        .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
        .join('');
      const open = `      <networkConnector name="${xmlEscape(nc.name)}" uri="${xmlEscape(staticUri(nc))}"${attributes}`;
      return nc.children === undefined || nc.children === ''
        ? `${open}/>`
        : `${open}>\n        ${nc.children}\n      </networkConnector>`;
    })
    .join('\n');
  const policies =
    m.policyEntries === ''
      ? ''
      : `    <destinationPolicy>
      <policyMap>
        <policyEntries>
${m.policyEntries}
        </policyEntries>
      </policyMap>
    </destinationPolicy>
`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="${xmlEscape(m.brokerName)}" useJmx="false"
          persistent="true" schedulerSupport="false" dataDirectory="${xmlEscape(dataDir)}"${Object.entries(
            m.brokerAttributes ?? {},
          )
            .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
            .join('')}>
${policies}${
    connectors === ''
      ? ''
      : `    <networkConnectors>
${connectors}
    </networkConnectors>
`
  }    <persistenceAdapter>
      <kahaDB directory="${xmlEscape(`${dataDir}/kahadb`)}"/>
    </persistenceAdapter>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:${openwirePort}"/>
    </transportConnectors>
  </broker>
</beans>
`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
