/** Broken opt-out packs (fixtures/bad-packs): `pack check` exits 2 with the exact located problems. */
import { describe } from 'node:test';
import { badConfigCases } from '../helpers/bad-config-files.js';

describe('broken opt-out packs', () => {
  badConfigCases('bad-packs', [{ label: 'pack check', args: (file) => ['pack', 'check', file] }]);
});
