/** docs/rules.md is generated from the rule catalogue, and every rule's helpUri anchor is a heading in it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BASELINE_RULES } from '../../src/baseline/rules.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { ENGINE_RULES } from '../../src/engine/rules.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { ruleAnchor, rulesMarkdown } from '../../src/report/rule-docs.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';
import { assertGolden } from '../helpers/golden.js';
import { REPO_ROOT } from '../helpers/paths.js';

const GROUPS = [
  { title: 'Engine', intro: 'Requests, bodies, payload kinds and fields, and what live capture sees.', rules: ENGINE_RULES },
  { title: 'Detectors', intro: 'Patterns that identify a person, a machine or a secret in any text value.', rules: detectorRules(DEFAULT_DETECTORS) },
  { title: 'Sensitive terms', intro: 'Canaries, metadata names and the local identity, searched in every encoding.', rules: TERM_RULE_DOCS },
  { title: 'Baselines', intro: 'The approved payload shape (`--shape-baseline`).', rules: BASELINE_RULES },
  { title: 'Hasura policy', intro: 'Rules of the built-in Hasura policy (`--policy hasura`).', rules: hasuraPolicy.rules ?? [] },
];

describe('docs/rules.md', () => {
  it('is the catalogue rendered', () => {
    const text = rulesMarkdown(GROUPS);
    // Golden under docs/, not test/golden: it is published documentation.
    const rel = path.relative(path.join(REPO_ROOT, 'test', 'golden'), path.join(REPO_ROOT, 'docs', 'rules.md'));
    assertGolden(rel, text);
  });

  it('has a heading for the anchor of every rule, and no two rules share an anchor', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'docs', 'rules.md'), 'utf8');
    const headings = new Set([...text.matchAll(/^### (.+)$/gm)].map((m) => ruleAnchor(m[1]!)));
    const ids = GROUPS.flatMap((g) => g.rules.map((r) => r.id));
    for (const id of ids) assert.ok(headings.has(ruleAnchor(id)), id);
    assert.equal(new Set(ids.map(ruleAnchor)).size, ids.length);
  });
});
