import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultProtocolOptions } from '../protocol.js';
import { negotiateVersion, stompSettings } from './settings.js';
import { detectStomp, stompProtocol } from './stomp-module.js';

describe('stomp module', () => {
  it('declares its name, scheme and subprotocols', () => {
    assert.equal(stompProtocol.name, 'stomp');
    assert.equal(stompProtocol.scheme, 'stomp');
    assert.deepEqual([...stompProtocol.webSocketSubprotocols].sort(), ['stomp', 'v10.stomp', 'v11.stomp', 'v12.stomp']);
  });

  it('detects CONNECT and STOMP from the first bytes', () => {
    const d = (s: string) => detectStomp(Buffer.from(s, 'latin1'));
    assert.equal(d('CONNECT\n'), true);
    assert.equal(d('\r\nSTOMP\n'), true);
    assert.equal(d('CONN'), undefined);
    assert.equal(d('STO'), undefined);
    assert.equal(d(''), undefined);
    assert.equal(d('\n'), undefined);
    assert.equal(d('SEND\n'), false);
    assert.equal(d('\0\0\0\x1fActiveMQ'), false);
    assert.equal(d('GET / HTTP/1.1'), false);
  });

  it('negotiates versions as ActiveMQ does', () => {
    assert.equal(negotiateVersion(undefined), '1.0');
    assert.equal(negotiateVersion('1.1, 1.0'), '1.1');
    assert.equal(negotiateVersion('1.2,1.1'), '1.2');
    assert.throws(() => negotiateVersion('3.0'), /Invalid Protocol version\[3\.0\]/);
  });

  it('reads limits from the connector options and refuses bad values', () => {
    const s = stompSettings({
      ...defaultProtocolOptions,
      maxFrameSize: 1000,
      extra: new Map([
        ['transport.maxDataLength', '500'],
        ['wireFormat.maxHeaders', '7'],
      ]),
    });
    assert.equal(s.limits.maxFrameSize, 1000);
    assert.equal(s.limits.maxDataLength, 500);
    assert.equal(s.limits.maxHeaders, 7);
    assert.equal(s.limits.maxHeaderLength, 10240);
    assert.throws(
      () => stompSettings({ ...defaultProtocolOptions, extra: new Map([['wireFormat.maxHeaders', 'x']]) }),
      /Invalid value for STOMP option wireFormat.maxHeaders: \[x\]/,
    );
    assert.throws(
      () => stompSettings({ ...defaultProtocolOptions, extra: new Map([['transport.defaultHeartBeat', '1']]) }),
      /transport.defaultHeartBeat/,
    );
  });
});
