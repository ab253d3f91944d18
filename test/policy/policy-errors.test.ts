/**
 * Broken policy files (fixtures/bad-policies) through the built CLI: loaded by `audit --policy`
 * or checked by `policy check`, each stops with exit 2 and the exact file:line:col problems.
 */
import { describe } from 'node:test';
import { badConfigCases } from '../helpers/bad-config-files.js';

describe('broken policy files', () => {
  badConfigCases('bad-policies', [
    { label: 'audit --policy', args: (file) => ['audit', 'fixtures/hasura/wire', '--policy', file] },
    { label: 'policy check', args: (file) => ['policy', 'check', file] },
  ]);
});
