/**
 * The rule catalogue as documentation: docs/rules.md has one section per built-in rule, and
 * SARIF's helpUri links each rule to its section, so a code-scanning alert opens the
 * explanation of the rule that raised it.
 */
import type { RuleDoc } from '../policy/policy-schema.js';

export const RULES_DOC_PATH = 'docs/rules.md';

/** The anchor GitHub gives the heading `### <id>`: lower case, punctuation other than "-" and "_" dropped. */
export function ruleAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

/** The rule's section in the documentation of the published repository. */
export function ruleHelpUri(homepage: string, id: string): string {
  return `${homepage.replace(/\/$/, '')}/blob/main/${RULES_DOC_PATH}#${ruleAnchor(id)}`;
}

export interface RuleGroup {
  title: string;
  intro: string;
  rules: readonly RuleDoc[];
}

export function rulesMarkdown(groups: readonly RuleGroup[]): string {
  const lines = [
    '# Rules',
    '',
    'Every rule the built-in engine, detectors, baselines and the Hasura policy report (generated from',
    'the rule catalogue: `npm run build && UPDATE_GOLDEN=1 node scripts/run-tests.js rule-docs`).',
    'A policy can change any severity or turn a rule off (`severities`), and so can `--rule ID=LEVEL`',
    'and the `rules` key of the configuration file. SARIF reports link each rule here (`helpUri`).',
    '',
  ];
  for (const g of groups) {
    lines.push(`## ${g.title}`, '', g.intro, '');
    for (const r of [...g.rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      lines.push(`### ${r.id}`, '', `**${r.title}** · default severity: ${r.severity}${r.leak ? ' · reports data leaving the machine' : ''}`, '', r.description, '');
      if (r.help) lines.push(`How to act: ${r.help}`, '');
    }
  }
  return lines.join('\n');
}
