import { after, before, describe } from 'node:test';
import { startTestBroker, type TestBroker } from '../support/client/broker.js';
import { registerClientScenarios } from '../support/client/scenarios.js';

/** The OpenWire client against an in-process TideMQ (with simple authentication, anonymous access allowed). */
let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ auth: { user: 'alice', password: 'secret' } });
});
after(() => broker.stop());

describe('OpenWire client against TideMQ (in process)', () => {
  registerClientScenarios(() => ({ url: broker.url, auth: { user: 'alice', password: 'secret' } }));
});
