import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNameFilter, destinationMatches } from './destination-filter.js';
import { Destination } from '../model/destination.js';

test('plain names match only themselves', () => {
  const m = compileNameFilter('FOO.BAR');
  assert.equal(m('FOO.BAR'), true);
  assert.equal(m('FOO.BAR.BAZ'), false);
  assert.equal(m('FOO'), false);
});

test('* matches exactly one element', () => {
  const m = compileNameFilter('PRICE.STOCK.*.IBM');
  assert.equal(m('PRICE.STOCK.NASDAQ.IBM'), true);
  assert.equal(m('PRICE.STOCK.NYSE.IBM'), true);
  assert.equal(m('PRICE.STOCK.IBM'), false);
  assert.equal(m('PRICE.STOCK.A.B.IBM'), false);
  assert.equal(m('PRICE.STOCK.NYSE.SUNW'), false);
});

test('> matches the rest, including nothing', () => {
  const m = compileNameFilter('PRICE.>');
  assert.equal(m('PRICE'), true);
  assert.equal(m('PRICE.STOCK'), true);
  assert.equal(m('PRICE.STOCK.NASDAQ.IBM'), true);
  assert.equal(m('PRICES'), false);
  assert.equal(m('OTHER.PRICE'), false);
  assert.equal(compileNameFilter('>')('ANYTHING.AT.ALL'), true);
});

test('* and > combine', () => {
  const m = compileNameFilter('PRICE.*.>');
  assert.equal(m('PRICE.STOCK'), true);
  assert.equal(m('PRICE.STOCK.NYSE.IBM'), true);
  assert.equal(m('PRICE'), false);
});

test('> in the middle behaves as if the path ended there', () => {
  const m = compileNameFilter('PRICE.>.IBM');
  assert.equal(m('PRICE.STOCK.SUNW'), true);
});

test('wildcard characters inside an element are literal', () => {
  const m = compileNameFilter('FOO*.BAR');
  assert.equal(m('FOO*.BAR'), true);
  assert.equal(m('FOOX.BAR'), false);
});

test('filters never cross destination types', () => {
  assert.equal(destinationMatches(Destination.queue('A.>'), Destination.queue('A.B')), true);
  assert.equal(destinationMatches(Destination.queue('A.>'), Destination.topic('A.B')), false);
  assert.equal(destinationMatches(Destination.topic('A.*'), Destination.topic('A.B')), true);
});
