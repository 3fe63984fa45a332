import { join } from 'node:path';
import { after } from 'node:test';
import { selectedBrokerKind } from './harness/broker.js';
import type { MemberSpec } from './harness/cluster.js';
import {
  closeClusterDriver,
  clusterTest,
  describeCluster,
  fileOrScenarioEnd,
  signalDir,
  type ClusterRun,
} from './harness/cluster-suite.js';

/**
 * Networks of brokers (issue 13, "How it must be shown") with the real ActiveMQ 5.17 Java client: every broker of
 * the homogeneous clusters is the kind INTEROP_BROKER names (tidemq by default, activemq for Debian's ActiveMQ
 * 5.17, the reference these scenarios are proven on); the mixed clusters always put one ActiveMQ beside TideMQ
 * brokers, both ways round. Each cluster is started once, its bridges probed once, then its scenarios run in
 * test/interop/java/ClusterScenarios.java. See docs/clustering-tests.md.
 */
const kind = selectedBrokerKind();

after(closeClusterDriver);

const to = (...members: string[]) => ({ to: members });

describeCluster(
  `network of brokers: A bridges to B and to C (brokers: ${kind})`,
  kind,
  [{ name: 'A', networkConnectors: [to('B'), to('C')] }, { name: 'B' }, { name: 'C' }],
  [
    ['A', 'B'],
    ['A', 'C'],
  ],
  (run) => {
    const ab = [['A', 'B']] as const;
    clusterTest('queue: producer on A, consumer on B', run, (r) => r.scenario('cluster-queue', ['A', 'B'], ab));
    clusterTest('topic: publisher on A, subscriber on B', run, (r) => r.scenario('cluster-topic', ['A', 'B'], ab));
    clusterTest('properties of every type, headers and JMSReplyTo intact across the bridge', run, (r) =>
      r.scenario('cluster-properties', ['A', 'B'], ab),
    );
    clusterTest('durable subscriber on B receives what A publishes, before and after it reconnects', run, (r) =>
      r.scenario('cluster-durable', ['A', 'B'], ab),
    );
    clusterTest('unsubscribing the durable subscription on B removes the demand on A', run, (r) =>
      r.scenario('cluster-durable-unsubscribe', ['A', 'B'], ab),
    );
    clusterTest('a queue consumer moves from B to C and the messages follow', run, (r) =>
      r.scenario(
        'cluster-consumer-moves',
        ['A', 'B', 'C'],
        [
          ['A', 'B'],
          ['A', 'C'],
        ],
      ),
    );
  },
);

for (const ttl of [2, 1]) {
  const line = { networkTTL: ttl };
  describeCluster(
    `network of brokers: A→B→C in a line with networkTTL=${ttl} (brokers: ${kind})`,
    kind,
    [
      { name: 'A', networkConnectors: [{ to: ['B'], attributes: line }] },
      { name: 'B', networkConnectors: [{ to: ['C'], attributes: line }] },
      { name: 'C' },
    ],
    [
      ['A', 'B'],
      ['B', 'C'],
    ],
    (run) => {
      clusterTest(
        ttl >= 2 ? 'a message produced on A reaches a consumer on C' : 'a message produced on A does not reach C',
        run,
        (r) =>
          r.scenario(
            'cluster-line',
            ['A', 'B', 'C'],
            [
              ['A', 'B'],
              ['B', 'C'],
            ],
            [String(ttl)],
          ),
      );
    },
  );
}

describeCluster(
  `network of brokers: one duplex bridge A⇄B, only A configured (brokers: ${kind})`,
  kind,
  [{ name: 'A', networkConnectors: [{ to: ['B'], attributes: { duplex: true } }] }, { name: 'B' }],
  [
    ['A', 'B'],
    ['B', 'A'],
  ],
  (run) => {
    clusterTest('queue messages both ways, topic messages back over the duplex connection', run, (r) =>
      r.scenario(
        'cluster-duplex',
        ['A', 'B'],
        [
          ['A', 'B'],
          ['B', 'A'],
        ],
      ),
    );
  },
);

/** ActiveMQ's cure for stuck messages, on every queue of both brokers. */
const replayPolicy = `          <policyEntry queue=">" enableAudit="false">
            <networkBridgeFilterFactory>
              <conditionalNetworkBridgeFilterFactory replayWhenNoConsumers="true"/>
            </networkBridgeFilterFactory>
          </policyEntry>`;

describeCluster(
  `network of brokers: A⇄B with replayWhenNoConsumers (brokers: ${kind})`,
  kind,
  [
    { name: 'A', networkConnectors: [to('B')], policyEntries: replayPolicy },
    { name: 'B', networkConnectors: [to('A')], policyEntries: replayPolicy },
  ],
  [
    ['A', 'B'],
    ['B', 'A'],
  ],
  (run) => {
    clusterTest('messages stranded on B after its consumer left flow back to a consumer on A', run, (r) =>
      r.scenario(
        'cluster-replay',
        ['A', 'B'],
        [
          ['A', 'B'],
          ['B', 'A'],
        ],
      ),
    );
  },
);

describeCluster(
  `network of brokers: SIGKILL of A under a failover:(A,B) producer (brokers: ${kind})`,
  kind,
  [{ name: 'A', networkConnectors: [to('B')] }, { name: 'B' }],
  [['A', 'B']],
  (run) => {
    clusterTest(
      'the client carries on against B, A restarts and forwards its store: no acknowledged message lost',
      run,
      async (r, t) => {
        const dir = signalDir(t);
        const scenario = r.scenario('cluster-failover-kill', ['A', 'B'], [['A', 'B']], [dir]);
        scenario.catch(() => undefined); // awaited below; a failure while we wait for a file is reported by that wait
        try {
          await fileOrScenarioEnd(join(dir, 'ready'), scenario, 60_000);
          await r.cluster.member('A').kill();
          await fileOrScenarioEnd(join(dir, 'sent'), scenario, 60_000);
          await r.cluster.member('A').start();
        } catch (err) {
          throw r.explain(err);
        }
        return scenario;
      },
    );
  },
);

/*
 * The mixed cluster, run whatever INTEROP_BROKER says: one ActiveMQ 5.17 and four TideMQ brokers, one bridge of each
 * kind (ActiveMQ → TideMQ, ActiveMQ ⇄ TideMQ configured on ActiveMQ, TideMQ → ActiveMQ, TideMQ ⇄ ActiveMQ configured
 * on TideMQ). One ActiveMQ start keeps the default run short. With the default networkTTL=1 every bridge is its own
 * one-hop path (a bridge's own demand subscription is one hop away already and is not passed on), and every
 * scenario uses its own destinations, so the bridges do not see each other's traffic.
 */
const mixedScenarios = (run: () => ClusterRun, from: string, plain: string): void => {
  const bridge = [[from, plain]] as const;
  clusterTest(`queue: producer on ${from}, consumer on ${plain}`, run, (r) =>
    r.scenario('cluster-queue', [from, plain], bridge),
  );
  clusterTest(`topic: publisher on ${from}, subscriber on ${plain}`, run, (r) =>
    r.scenario('cluster-topic', [from, plain], bridge),
  );
  clusterTest(`properties of every type, headers and JMSReplyTo intact from ${from} to ${plain}`, run, (r) =>
    r.scenario('cluster-properties', [from, plain], bridge),
  );
  clusterTest(`durable subscriber on ${plain} receives what ${from} publishes`, run, (r) =>
    r.scenario('cluster-durable', [from, plain], bridge),
  );
  clusterTest(`unsubscribing the durable subscription on ${plain} removes the demand on ${from}`, run, (r) =>
    r.scenario('cluster-durable-unsubscribe', [from, plain], bridge),
  );
};

const duplex = { duplex: true };

describeCluster(
  'mixed network: ActiveMQ 5.17 (AMQ) → TideMQ TQ1, AMQ ⇄ TQ2 (duplex on AMQ), TQ3 → AMQ, TQ4 ⇄ AMQ (duplex on TQ4)',
  kind,
  [
    {
      name: 'AMQ',
      kind: 'activemq',
      networkConnectors: [to('TQ1'), { to: ['TQ2'], attributes: duplex }],
    } satisfies MemberSpec,
    { name: 'TQ1', kind: 'tidemq' },
    { name: 'TQ2', kind: 'tidemq' },
    { name: 'TQ3', kind: 'tidemq', networkConnectors: [to('AMQ')] },
    { name: 'TQ4', kind: 'tidemq', networkConnectors: [{ to: ['AMQ'], attributes: duplex }] },
  ],
  [
    ['AMQ', 'TQ1'],
    ['AMQ', 'TQ2'],
    ['TQ2', 'AMQ'],
    ['TQ3', 'AMQ'],
    ['TQ4', 'AMQ'],
    ['AMQ', 'TQ4'],
  ],
  (run) => {
    mixedScenarios(run, 'AMQ', 'TQ1');
    clusterTest('duplex AMQ⇄TQ2 (configured on ActiveMQ): traffic both ways', run, (r) =>
      r.scenario(
        'cluster-duplex',
        ['AMQ', 'TQ2'],
        [
          ['AMQ', 'TQ2'],
          ['TQ2', 'AMQ'],
        ],
      ),
    );
    mixedScenarios(run, 'TQ3', 'AMQ');
    clusterTest('duplex TQ4⇄AMQ (configured on TideMQ): traffic both ways', run, (r) =>
      r.scenario(
        'cluster-duplex',
        ['TQ4', 'AMQ'],
        [
          ['TQ4', 'AMQ'],
          ['AMQ', 'TQ4'],
        ],
      ),
    );
  },
);
