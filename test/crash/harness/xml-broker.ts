import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startBroker, type BrokerProcess } from './broker-process.js';
import { brokerXml, type BrokerXmlOptions } from './broker-xml.js';

/**
 * A `tidemq start --config` process on a generated activemq.xml in a temp directory of its own (the store under
 * it), killed and removed when the test ends.
 */
export async function brokerWith(
  t: TestContext,
  o: Omit<BrokerXmlOptions, 'directory'>,
  prefix = 'tidemq-',
): Promise<BrokerProcess> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = join(dir, 'activemq.xml');
  writeFileSync(config, brokerXml({ directory: join(dir, 'kahadb'), ...o }));
  const broker = await startBroker(['--config', config]);
  t.after(async () => {
    await broker.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  return broker;
}
