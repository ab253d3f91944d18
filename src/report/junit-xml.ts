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

/**
 * CI systems key results by classname + name: a repeat would overwrite or merge, so number it.
 * Every name given is kept to see repeats; a run has a case per request, so the common
 * "line N: label" names are kept as line numbers per classname and label (small integers, a
 * tenth of the memory of the strings), every other name as it is.
 */
export class UniqueCaseNames {
  private readonly seen = new Set<string>();
  private readonly lines = new Map<string, Set<number>>();

  name(c: JUnitCase): JUnitCase {
    let name = c.name;
    for (let n = 2; this.has(c.classname, name); n++) name = `${c.name} (${n})`;
    this.add(c.classname, name);
    return name === c.name ? c : { ...c, name };
  }

  private has(classname: string, name: string): boolean {
    const line = lineName(name);
    return line ? this.lines.get(`${classname}\0${line.label}`)?.has(line.number) === true : this.seen.has(`${classname}\0${name}`);
  }

  private add(classname: string, name: string): void {
    const line = lineName(name);
    if (!line) {
      this.seen.add(`${classname}\0${name}`);
      return;
    }
    const key = `${classname}\0${line.label}`;
    let numbers = this.lines.get(key);
    if (!numbers) this.lines.set(key, (numbers = new Set()));
    numbers.add(line.number);
  }
}

const LINE_NAME = /^line ([1-9][0-9]{0,8}): /;

/** `line N: label` with N written as String(N) writes it, so the name is exactly rebuilt from the two. */
function lineName(name: string): { number: number; label: string } | null {
  const m = LINE_NAME.exec(name);
  return m ? { number: Number(m[1]), label: name.slice(m[0].length) } : null;
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

/** Seconds, as JUnit's `time` attributes carry them. */
export function junitSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * The common JUnit schema (Jenkins, GitLab) has no `skipped` on <testsuites>: the counts there
 * are tests, failures and errors, with the run's wall time.
 */
export function documentOpen(name: string, counts: JUnitCounts, ms = 0): string {
  const { skipped: _s, ...total } = counts;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name, ...total, time: junitSeconds(ms) })}>\n`;
}
export const DOCUMENT_CLOSE = '</testsuites>\n';

/** `ms`: the time from the suite's first case to its last. */
export function suiteOpen(name: string, counts: JUnitCounts, ms = 0): string {
  return `  <testsuite${attrs({ name, ...counts, time: junitSeconds(ms) })}>\n`;
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
