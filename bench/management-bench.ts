/**
 * Management under load (issue 16): how long a Prometheus scrape, a Jolokia wildcard read and the JSON queue list
 * take with many destinations, and the REST send rate.
 *   node --import tsx bench/management-bench.ts [--queues 10000] [--temp 10000] [--sends 2000]
 * One in-process broker (memory store) with the web server on 127.0.0.1 port 0; each figure is the median of 5.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { BrokerService } from '../src/server/broker-service.js';
import { BrokerManagement } from '../src/management/broker-management.js';
import { managementHost } from '../src/server/management-host.js';
import { PropertiesRealm } from '../src/web/realm.js';
import { DEFAULT_WEB_CONFIG } from '../src/web/web-config.js';
import { WebServer } from '../src/web/web-server.js';
import { webRoutes } from '../src/web/routes.js';
import { Destination } from '../src/model/destination.js';

const { values } = parseArgs({
  options: {
    queues: { type: 'string', default: '10000' },
    temp: { type: 'string', default: '10000' },
    sends: { type: 'string', default: '2000' },
  },
});
const queues = Number(values.queues);
const temps = Number(values.temp);
const sends = Number(values.sends);

const service = new BrokerService({ brokerName: 'bench', connectors: [] });
await service.start();
const mgmt = new BrokerManagement(managementHost(service));
for (let i = 0; i < queues; i++) await mgmt.addQueue(`bench.q${i}`);
const ctx = mgmt.internalContext(null);
await service.broker.addConnection(ctx);
for (let i = 0; i < temps; i++) await service.broker.addDestination(ctx, Destination.of('temp-queue', `ID:tmp-${i}`));
const web = new WebServer({
  config: { ...DEFAULT_WEB_CONFIG, port: 0 },
  realm: new PropertiesRealm('bench: bench-pw, admin\n', 'bench'),
  mgmt,
  routes: webRoutes(mgmt),
});
await web.start();
const auth = { Authorization: `Basic ${Buffer.from('bench:bench-pw').toString('base64')}` };

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2]!;
}
const get = (path: string) => async () => (await fetch(web.url() + path, { headers: auth })).text();

const scrape = await median(get('/metrics'));
const series = ((await get('/metrics')()).match(/^tidemq_destination_messages\{/gm) ?? []).length;
const jolokia = await median(
  get(
    '/api/jolokia/read/org.apache.activemq:type=Broker,brokerName=*,destinationType=Queue,destinationName=*/QueueSize',
  ),
);
const list = await median(get('/api/v1/queues'));
const t0 = performance.now();
for (let i = 0; i < sends; i++) {
  await fetch(`${web.url()}/api/message/bench.rest?type=queue`, {
    method: 'POST',
    headers: auth,
    body: new URLSearchParams({ body: `m${i}` }),
  });
}
const rate = sends / ((performance.now() - t0) / 1000);
console.log(`queues ${queues}, temporary queues ${temps}`);
console.log(`/metrics scrape                 ${scrape.toFixed(0)} ms (${series} destination series)`);
console.log(`Jolokia read QueueSize, pattern ${jolokia.toFixed(0)} ms`);
console.log(`/api/v1/queues                  ${list.toFixed(0)} ms`);
console.log(`REST sends, one at a time       ${rate.toFixed(0)} msg/s`);
await web.stop();
await service.stop();
