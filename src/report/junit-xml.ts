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
function uniqueCases(cases: readonly JUnitCase[]): JUnitCase[] {
  const seen = new Set<string>();
  return cases.map((c) => {
    let name = c.name;
    for (let n = 2; seen.has(`${c.classname}\0${name}`); n++) name = `${c.name} (${n})`;
    seen.add(`${c.classname}\0${name}`);
    return name === c.name ? c : { ...c, name };
  });
}

/** The document in pieces (one per test case), so a run of any size never builds one huge string. */
export function* junitXml(name: string, cases: readonly JUnitCase[]): Generator<string> {
  const suites = new Map<string, JUnitCase[]>();
  for (const c of uniqueCases(cases)) {
    const list = suites.get(c.suite);
    if (list) list.push(c);
    else suites.set(c.suite, [c]);
  }
  const count = (list: readonly JUnitCase[]) => ({
    tests: list.length,
    failures: list.filter((c) => c.failure).length,
    errors: 0,
    skipped: list.filter((c) => c.skipped !== undefined && !c.failure).length,
  });
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name, ...count(cases) })}>\n`;
  for (const [suite, list] of suites) {
    yield `  <testsuite${attrs({ name: suite, ...count(list) })}>\n`;
    for (const c of list) {
      const head = `    <testcase${attrs({ classname: c.classname, name: c.name })}`;
      const body: string[] = [];
      if (c.failure) body.push(`      <failure${attrs({ message: c.failure.message, type: c.failure.type })}>${xmlText(c.failure.text)}</failure>`);
      else if (c.skipped !== undefined) body.push(`      <skipped${attrs({ message: c.skipped })}/>`);
      if (c.output) body.push(`      <system-out>${xmlText(c.output)}</system-out>`);
      yield (body.length === 0 ? `${head}/>` : [`${head}>`, ...body, '    </testcase>'].join('\n')) + '\n';
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}
