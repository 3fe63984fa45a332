/**
 * The cases of ActiveMQ's SelectorTest, UnknownHandlingSelectorTest and SelectorParserTest
 * (activemq-unit-tests/.../selector/), restated as facts about this implementation. The XPATH and
 * function-call cases are replaced by the refusal TideMQ gives for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typed } from '../../model/properties.js';
import { Destination } from '../../model/destination.js';
import { isBrokerError } from '../../util/errors.js';
import { parseSelector } from './selector.js';
import { activemqTestMessage, message } from '../../../test/support/destination/selector/test-fixtures.js';
import type { Message } from '../../model/message.js';

function check(m: Message, cases: [string, boolean][]): void {
  for (const [text, expected] of cases) {
    assert.equal(parseSelector(text).matches(m), expected, `selector: ${text}`);
  }
}

function invalid(text: string): void {
  assert.throws(
    () => parseSelector(text),
    (e: unknown) => isBrokerError(e) && e.code === 'ERR_SELECTOR_INVALID',
    `should be invalid: ${text}`,
  );
}

test('SelectorTest.testBooleanSelector', () => {
  check(activemqTestMessage(), [
    ['(trueProp OR falseProp) AND trueProp', true],
    ['(trueProp OR falseProp) AND falseProp', false],
    ['trueProp', true],
    ['(falseProp OR falseProp OR falseProp OR falseProp OR falseProp OR falseProp OR trueProp)', true],
    ['(falseProp OR falseProp OR falseProp OR falseProp OR falseProp OR falseProp OR falseProp)', false],
    ['(trueProp AND trueProp AND trueProp AND trueProp AND trueProp AND trueProp AND falseProp)', false],
    ['(trueProp AND trueProp AND trueProp AND trueProp AND trueProp AND trueProp AND trueProp)', true],
  ]);
});

test('SelectorTest.testJMSPropertySelectors', () => {
  const m = activemqTestMessage();
  m.messageId = 'id:test:1:1:1:1';
  check(m, [
    ["JMSType = 'selector-test'", true],
    ["JMSType = 'crap'", false],
    ["JMSMessageID = 'id:test:1:1:1:1'", true],
    ["JMSMessageID = 'id:not-test:1:1:1:1'", false],
  ]);
  const m2 = activemqTestMessage();
  m2.type = '1001';
  check(m2, [
    ["JMSType='1001'", true],
    ["JMSType='1001' OR JMSType='1002'", true],
    ["JMSType = 'crap'", false],
  ]);
});

test('SelectorTest.testBasicSelectors, testAndSelectors, testOrSelectors', () => {
  check(activemqTestMessage(), [
    ["name = 'James'", true],
    ['rank > 100', true],
    ['rank >= 123', true],
    ['rank >= 124', false],
    ["name = 'James' and rank < 200", true],
    ["name = 'James' and rank > 200", false],
    ["name = 'Foo' and rank < 200", false],
    ["unknown = 'Foo' and anotherUnknown < 200", false],
    ["name = 'James' or rank < 200", true],
    ["name = 'James' or rank > 200", true],
    ["name = 'Foo' or rank < 200", true],
    ["name = 'Foo' or rank > 200", false],
    ["unknown = 'Foo' or anotherUnknown < 200", false],
  ]);
});

test('SelectorTest.testPropertyTypes', () => {
  check(activemqTestMessage(), [
    ['byteProp = 123', true],
    ['byteProp = 10', false],
    ['byteProp2 = 33', true],
    ['byteProp2 = 10', false],
    ['shortProp = 123', true],
    ['shortProp = 10', false],
    ['intProp = 123', true],
    ['intProp = 10', false],
    ['longProp = 123', true],
    ['longProp = 10', false],
    ['floatProp = 123', true],
    ['floatProp = 10', false],
    ['doubleProp = 123', true],
    ['doubleProp = 10', false],
  ]);
});

test('SelectorTest arithmetic: testPlus, testMinus, testMultiply, testDivide', () => {
  check(activemqTestMessage(), [
    ['rank + 2 = 125', true],
    ['(rank + 2) = 125', true],
    ['125 = (rank + 2)', true],
    ['rank + version = 125', true],
    ['rank + 2 < 124', false],
    ["name + '!' = 'James!'", true],
    ['rank - 2 = 121', true],
    ['rank - version = 121', true],
    ['rank - 2 > 122', false],
    ['rank * 2 = 246', true],
    ['rank * version = 246', true],
    ['rank * 2 < 130', false],
    ['rank / version = 61.5', true],
    ['rank / 3 > 100.0', false],
    ['rank / 3 > 100', false],
    ['version / 2 = 1', true],
  ]);
});

test('SelectorTest.testBetween, testIn, testIsNull', () => {
  check(activemqTestMessage(), [
    ['rank between 100 and 150', true],
    ['rank between 10 and 120', false],
    ["name in ('James', 'Bob', 'Gromit')", true],
    ["name in ('Bob', 'James', 'Gromit')", true],
    ["name in ('Gromit', 'Bob', 'James')", true],
    ["name in ('Gromit', 'Bob', 'Cheddar')", false],
    ["name not in ('Gromit', 'Bob', 'Cheddar')", true],
    ['dummy is null', true],
    ['dummy is not null', false],
    ['name is not null', true],
    ['name is null', false],
  ]);
});

test('SelectorTest.testLike', () => {
  const text =
    "modelClassId LIKE 'com.whatever.something.%' AND modelInstanceId = '170' AND " +
    "(modelRequestError IS NULL OR modelCorrelatedClientId = 'whatever')";
  const m = activemqTestMessage();
  m.properties.set('modelClassId', typed.string('com.whatever.something.foo.bar'));
  m.properties.set('modelInstanceId', typed.string('170'));
  m.properties.set('modelRequestError', typed.string('abc'));
  m.properties.set('modelCorrelatedClientId', typed.string('whatever'));
  check(m, [[text, true]]);
  m.properties.set('modelCorrelatedClientId', typed.string('shouldFailNow'));
  check(m, [[text, false]]);
  const m2 = activemqTestMessage();
  m2.properties.set('modelClassId', typed.string('com.whatever.something.foo.bar'));
  m2.properties.set('modelInstanceId', typed.string('170'));
  m2.properties.set('modelCorrelatedClientId', typed.string('shouldNotMatch'));
  check(m2, [[text, true]]);
});

test('SelectorTest.testMatsHenricsonUseCases', () => {
  const m = activemqTestMessage();
  check(m, [['SessionserverId=1870414179', false]]);
  m.properties.set('SessionserverId', typed.long(1870414179n));
  check(m, [['SessionserverId=1870414179', true]]);
  m.properties.set('SessionserverId', typed.long(1234n));
  check(m, [['SessionserverId=1870414179', false]]);
  const notIn = "Command NOT IN ('MirrorLobbyRequest', 'MirrorLobbyReply')";
  check(m, [[notIn, false]]);
  m.properties.set('Command', typed.string('Cheese'));
  check(m, [[notIn, true]]);
  m.properties.set('Command', typed.string('MirrorLobbyRequest'));
  check(m, [[notIn, false]]);
  m.properties.set('Command', typed.string('MirrorLobbyReply'));
  check(m, [[notIn, false]]);
});

test('SelectorTest.testFloatComparisons', () => {
  check(activemqTestMessage(), [
    ['1.0 < 1.1', true],
    ['-1.1 < 1.0', true],
    ['1.0E1 < 1.1E1', true],
    ['-1.1E1 < 1.0E1', true],
    ['1. < 1.1', true],
    ['-1.1 < 1.', true],
    ['1.E1 < 1.1E1', true],
    ['-1.1E1 < 1.E1', true],
    ['.1 < .5', true],
    ['-.5 < .1', true],
    ['.1E1 < .5E1', true],
    ['-.5E1 < .1E1', true],
    ['4E10 < 5E10', true],
    ['5E8 < 5E10', true],
    ['-4E10 < 2E10', true],
    ['-5E8 < 2E2', true],
    ['4E+10 < 5E+10', true],
    ['4E-10 < 5E-10', true],
  ]);
});

test('SelectorTest.testStringQuoteParsing and testLikeComparisons', () => {
  check(activemqTestMessage(), [
    ["quote = '''In God We Trust'''", true],
    ["quote LIKE '''In G_d We Trust'''", true],
    ["quote LIKE '''In Gd_ We Trust'''", false],
    ["quote NOT LIKE '''In G_d We Trust'''", false],
    ["quote NOT LIKE '''In Gd_ We Trust'''", true],
    ["foo LIKE '%oo'", true],
    ["foo LIKE '%ar'", false],
    ["foo NOT LIKE '%oo'", false],
    ["foo NOT LIKE '%ar'", true],
    ["foo LIKE '!_%' ESCAPE '!'", true],
    ["quote LIKE '!_%' ESCAPE '!'", false],
    ["foo NOT LIKE '!_%' ESCAPE '!'", false],
    ["quote NOT LIKE '!_%' ESCAPE '!'", true],
    ["punctuation LIKE '!#$&()*+,-./:;<=>?@[\\]^`{|}~'", true],
  ]);
});

test('SelectorTest.testSpecialEscapeLiteral', () => {
  check(activemqTestMessage(), [
    ["foo LIKE '%_%' ESCAPE '%'", true],
    ["endingUnderScore LIKE '_D7xlJIQn$_' ESCAPE '$'", true],
    ["endingUnderScore LIKE '_D7xlJIQn__' ESCAPE '_'", true],
    ["endingUnderScore LIKE '%D7xlJIQn%_' ESCAPE '%'", true],
    ["endingUnderScore LIKE '%D7xlJIQn%'  ESCAPE '%'", true],
    ["endingUnderScore LIKE '%D7xlJIQn%%'  ESCAPE '%'", false],
    ["endingUnderScore LIKE '_D7xlJIQn\\_' ESCAPE '\\'", true],
    ["endingUnderScore LIKE '%D7xlJIQn\\_' ESCAPE '\\'", true],
  ]);
});

test('SelectorTest.testInvalidSelector', () => {
  invalid('3+5');
  invalid('True AND 3+5');
  invalid("=TEST 'test'");
  invalid("prop1 = prop2 foo AND string = 'Test'");
  invalid('a = 1 AMD  b = 2');
});

test('SelectorTest.testMatchOriginalDestinationAttribute', () => {
  const m = activemqTestMessage();
  m.originalDestination = Destination.queue('QQ');
  check(m, [
    ["JMSDestination='queue://QQ'", true],
    ["JMSDestination='topic://FOO.BAR'", false],
  ]);
});

test('SelectorTest function calls and XPATH are refused as unsupported ActiveMQ extensions', () => {
  for (const text of [
    "REGEX('1870414179', SessionserverId)",
    "INLIST(SPLIT('Tom,Dick,George',','), name)",
    "XPATH '//root/b'",
    "XQUERY 'a'",
    "DoesNotExist('sales.*', group)",
  ]) {
    invalid(text);
  }
});

test('SelectorParserTest.testParseWithParensAround', () => {
  const m = message({ x: typed.int(1), y: typed.int(2) });
  for (const text of ['x = 1 and y = 2', '(x = 1) and (y = 2)', '((x = 1) and (y = 2))']) {
    assert.equal(parseSelector(text).matches(m), true, text);
  }
});

// UnknownHandlingSelectorTest: a selector is "unknown" when neither it nor NOT(it) selects the message.
function unknownHandlingMessage(): Message {
  return message(
    { trueProp: typed.boolean(true), falseProp: typed.boolean(false), nullProp: typed.null() },
    { type: 'selector-test', messageId: 'connection:1:1:1:1' },
  );
}

function assertTruth(text: string, expected: boolean | null): void {
  const m = unknownHandlingMessage();
  const direct = parseSelector(text).matches(m);
  const negated = parseSelector(`not(${text})`).matches(m);
  assert.deepEqual([direct, negated], expected === null ? [false, false] : [expected, !expected], text);
}

test('UnknownHandlingSelectorTest: NOT, AND, OR truth tables', () => {
  assertTruth('trueProp', true);
  assertTruth('falseProp', false);
  assertTruth('unknownProp', null);
  const values: [string, boolean | null][] = [
    ['trueProp', true],
    ['falseProp', false],
    ['unknownProp', null],
  ];
  for (const [a, av] of values) {
    for (const [b, bv] of values) {
      const and = av === false || bv === false ? false : av === null || bv === null ? null : true;
      const or = av === true || bv === true ? true : av === null || bv === null ? null : false;
      assertTruth(`${a} AND ${b}`, and);
      assertTruth(`${a} OR ${b}`, or);
    }
  }
});

test('UnknownHandlingSelectorTest: comparisons with a missing or null property are unknown', () => {
  for (const prop of ['unknownProp', 'nullProp']) {
    for (const rest of [
      '= 0',
      '> 0',
      '>= 0',
      '< 0',
      '<= 0',
      '<> 0',
      "LIKE 'zero'",
      "NOT LIKE 'zero'",
      "IN ('zero')",
      "NOT IN ('zero')",
      'BETWEEN 1 AND 2',
      'NOT BETWEEN 1 AND 2',
    ]) {
      assertTruth(`${prop} ${rest}`, null);
    }
  }
});

test('UnknownHandlingSelectorTest: IS NULL and IS NOT NULL are never unknown', () => {
  assertTruth('unknownProp IS NULL', true);
  assertTruth('nullProp IS NULL', true);
  assertTruth('trueProp IS NULL', false);
  assertTruth('unknownProp IS NOT NULL', false);
  assertTruth('nullProp IS NOT NULL', false);
  assertTruth('trueProp IS NOT NULL', true);
});

test('UnknownHandlingSelectorTest: arithmetic with unknown is unknown', () => {
  for (const text of [
    '-unknownProp = 0',
    '+unknownProp = 0',
    'unknownProp * 2 = 0',
    'unknownProp / 2 = 0',
    'unknownProp + 2 = 0',
    'unknownProp - 2 = 0',
  ]) {
    assertTruth(text, null);
  }
});
