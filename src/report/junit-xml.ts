/**
 * JUnit XML from a flat list of test cases, in the dialect GitLab and Jenkins both read:
 * <testsuites> of <testsuite>s of <testcase classname name>, a <failure> for a failed case,
 * <skipped/> for a skipped one. Generic on purpose: audited requests are cases today, opt-out
 * scenarios can be cases too.
 */

export interface JUnitCase {
  /** The <testsuite> the case belongs to (suites appear in the order their first case does). */
  suite: string;
  classname: string;
  name: string;
  failure?: { message: string; type: string; text: string };
  skipped?: string;
  /** Extra detail shown by CI next to the case (<system-out>). */
  output?: string;
}

// Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other than tab, LF
// and CR, lone surrogates, U+FFFE and U+FFFF.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  // Newlines and tabs in attributes are normalised to spaces by parsers unless encoded.
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

/** CI systems key results by classname + name: a repeat would overwrite or merge, so number it. */
export class UniqueCaseNames {
  private readonly seen = new Set<string>();
  name(c: JUnitCase): JUnitCase {
    let name = c.name;
    for (let n = 2; this.seen.has(`${c.classname}\0${name}`); n++) name = `${c.name} (${n})`;
    this.seen.add(`${c.classname}\0${name}`);
    return name === c.name ? c : { ...c, name };
  }
}

export interface JUnitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function emptyCounts(): JUnitCounts {
  return { tests: 0, failures: 0, errors: 0, skipped: 0 };
}

export function countCase(counts: JUnitCounts, c: JUnitCase): void {
  counts.tests++;
  if (c.failure) counts.failures++;
  else if (c.skipped !== undefined) counts.skipped++;
}

export function documentOpen(name: string, counts: JUnitCounts): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name, ...counts })}>\n`;
}
export const DOCUMENT_CLOSE = '</testsuites>\n';

export function suiteOpen(name: string, counts: JUnitCounts): string {
  return `  <testsuite${attrs({ name, ...counts })}>\n`;
}
export const SUITE_CLOSE = '  </testsuite>\n';

export function caseXml(c: JUnitCase): string {
  const head = `    <testcase${attrs({ classname: c.classname, name: c.name })}`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${xmlText(c.failure.text)}</failure>`);
  else if (c.skipped !== undefined) body.push(`      <skipped${attrs({ message: c.skipped })}/>`);
  if (c.output) body.push(`      <system-out>${xmlText(c.output)}</system-out>`);
  return (body.length === 0 ? `${head}/>` : [`${head}>`, ...body, '    </testcase>'].join('\n')) + '\n';
}
