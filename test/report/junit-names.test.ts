/**
 * JUnit case names are unique per classname (CI keys results by both): a repeat is numbered.
 * The "line N: label" names every NDJSON request gets are kept compactly, and must repeat-check
 * exactly like any other name, against every other form of name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UniqueCaseNames, type JUnitCase } from '../../src/report/junit-xml.js';

const c = (classname: string, name: string): JUnitCase => ({ suite: classname, classname, name });

describe('JUnit case names', () => {
  it('numbers repeats per classname, whatever the form of the name', () => {
    const names = new UniqueCaseNames();
    const given = [
      c('a', 'line 1: cli'),
      c('a', 'line 2: cli'),
      c('a', 'line 1: cli'),
      c('a', 'line 1: cli'),
      c('b', 'line 1: cli'),
      c('a', 'line 1: cli (2)'),
      c('a', 'line 01: cli'),
      c('a', 'line 01: cli'),
      c('a', 'entry 3 frame 1: console'),
      c('a', 'entry 3 frame 1: console'),
      c('a', 'line 1: server'),
      c('a', 'line 4294967296: cli'),
      c('a', 'line 4294967296: cli'),
      c('a', 'line 7: '),
      c('a', 'line 7: '),
    ].map((x) => names.name(x).name);
    assert.deepEqual(given, [
      'line 1: cli',
      'line 2: cli',
      'line 1: cli (2)',
      'line 1: cli (3)',
      'line 1: cli',
      // Taken by the second repeat above: a name is never given twice.
      'line 1: cli (2) (2)',
      'line 01: cli',
      'line 01: cli (2)',
      'entry 3 frame 1: console',
      'entry 3 frame 1: console (2)',
      'line 1: server',
      'line 4294967296: cli',
      'line 4294967296: cli (2)',
      'line 7: ',
      'line 7:  (2)',
    ]);
  });

  it('a case keeps its other fields when renamed, and is the same object when not', () => {
    const names = new UniqueCaseNames();
    const first = c('a', 'line 9: cli');
    assert.equal(names.name(first), first);
    const again: JUnitCase = { ...c('a', 'line 9: cli'), failure: { message: 'm', type: 't', text: 'x' } };
    assert.deepEqual(names.name(again), { ...again, name: 'line 9: cli (2)' });
  });
});
