/**
 * Issue 18.4: percentOfJvmHeap was taken of V8's heap limit, which V8 sizes from the machine (4 GiB on a 25 GB
 * host), so the stock percentOfJvmHeap="70" let the broker grow to several GB. Through the same assembly as
 * `tidemq start --config`, the limit is now 70% of 1 GiB (ActiveMQ's -Xmx1G) unless Node is given
 * --max-old-space-size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBrokerConfigText } from '../../src/config/load-config.js';
import { assembleBroker } from '../../src/server/assemble.js';
import '../../src/server/builtin-protocols.js';
import { Logger } from '../../src/util/logger.js';

test('stock percentOfJvmHeap="70" gives a memory limit of at most 70% of 1 GiB, logged at start', async (t) => {
  if (/max[-_]old[-_]space[-_]size/.test([...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' '))) {
    t.skip('this process was given --max-old-space-size, which is the base then');
    return;
  }
  const { config } = loadBrokerConfigText(
    `<broker xmlns="http://activemq.apache.org/schema/core" persistent="false">
  <systemUsage><systemUsage><memoryUsage><memoryUsage percentOfJvmHeap="70"/></memoryUsage></systemUsage></systemUsage>
</broker>`,
    'activemq.xml',
    { env: {} },
  );
  const logs: string[] = [];
  const options = await assembleBroker(config, {
    logger: Logger.create({ level: 'info', write: (l) => logs.push(l), debugChannels: '' }),
  });
  assert.ok(
    options.memoryLimit !== undefined && options.memoryLimit <= Math.floor(0.7 * 1024 ** 3),
    `${options.memoryLimit}`,
  );
  assert.ok(
    logs.some((l) => l.includes('percentOfJvmHeap 70%')),
    logs.join('\n'),
  );
});
