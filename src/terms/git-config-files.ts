/**
 * `git config --get-regexp KEYS` without starting git: the system, global, repository and
 * worktree config files read directly, in git's order, and printed as git prints them (one
 * `key value` line per value). Starting a process is most of the identity probe's cost at
 * start-up (a fork of the whole Node process, then git's own start).
 *
 * Only the plain, common case is read here. Whenever git could see something this reader does
 * not (include directives, GIT_* variables that move or add config, a git built for another
 * prefix, a repository git would refuse as not owned by the user, a line this parser does not
 * understand), it answers `undefined` and the caller asks git itself: a missed e-mail address
 * would be a leak the audit cannot see.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Environment variables with which git reads config from elsewhere, or finds another repository. */
const GIT_ENV = /^GIT_(?:CONFIG(?!_NOSYSTEM$)\w*|DIR|COMMON_DIR|WORK_TREE|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|NAMESPACE)$/;

class Unsure extends Error {}

interface Entry {
  key: string;
  /** null: a key without `=` (git prints the key alone). */
  value: string | null;
}

/**
 * The values of every key matching `keys` (a regular expression over canonical keys: section
 * and name lower-cased, subsection as written), as `git config --get-regexp` prints them, or
 * undefined when only git can answer. An empty string: no value anywhere.
 */
export function readGitConfigDirect(keys: RegExp, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    if (process.platform !== 'linux') return undefined;
    if (Object.keys(env).some((k) => GIT_ENV.test(k))) return undefined;
    const files: string[] = [];
    const system = systemConfig(env);
    if (!truthy(env.GIT_CONFIG_NOSYSTEM)) files.push(system);
    // The HOME the tool was given (a test's, a scenario's), as the git it would start would use.
    const home = env.HOME;
    if (home === '') return undefined;
    if (env.XDG_CONFIG_HOME) files.push(path.join(env.XDG_CONFIG_HOME, 'git', 'config'));
    else if (home !== undefined) files.push(path.join(home, '.config', 'git', 'config'));
    if (home !== undefined) files.push(path.join(home, '.gitconfig'));
    const repo = findRepository(cwd);
    const entries: Entry[] = [];
    for (const file of files) entries.push(...readConfigFile(file));
    if (repo) {
      const local = readConfigFile(path.join(repo.commonDir, 'config'));
      entries.push(...local);
      // A worktree's own config counts only when the repository turned the extension on, and git
      // reads extensions only in a repository that states its format version (0 or 1).
      const last = (key: string) => local.filter((e) => e.key === key).pop();
      const version = last('core.repositoryformatversion');
      if (version !== undefined && version.value !== '0' && version.value !== '1') throw new Unsure();
      if (version?.value === '1' && local.some((e) => e.key.startsWith('extensions.') && e.key !== 'extensions.worktreeconfig')) throw new Unsure();
      const ext = last('extensions.worktreeconfig');
      if (version !== undefined && ext && gitBool(ext.value)) entries.push(...readConfigFile(path.join(repo.gitDir, 'config.worktree')));
    }
    return entries
      .filter((e) => keys.test(e.key))
      .map((e) => (e.value === null ? e.key : `${e.key} ${e.value}`))
      .join('\n');
  } catch (err) {
    if (err instanceof Unsure) return undefined;
    throw err;
  }
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && gitBool(v);
}

function gitBool(v: string | null): boolean {
  if (v === null) return true;
  const l = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(l)) return true;
  if (['false', 'no', 'off', '0', ''].includes(l)) return false;
  throw new Unsure();
}

/** /etc/gitconfig for a git installed under /usr (every Linux distribution's); any other git: ask it. */
function systemConfig(env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const file = path.join(dir, 'git');
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      continue;
    }
    if (!isFile) continue;
    if (dir === '/usr/bin' || dir === '/bin') return '/etc/gitconfig';
    throw new Unsure();
  }
  // No git at all: git cannot be asked either, and answers nothing (as before).
  throw new Unsure();
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new Unsure();
  }
}

/** The repository git would find from `cwd`: upwards, not across file systems, a `.git` directory or a `gitdir:` file. */
function findRepository(cwd: string): { gitDir: string; commonDir: string } | null {
  const uid = process.getuid?.();
  const start = statSync(cwd);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const st = statSync(dir);
    if (st.dev !== start.dev) return null;
    const dotGit = path.join(dir, '.git');
    let gitDir: string | null = null;
    let dg;
    try {
      dg = statSync(dotGit);
    } catch {
      dg = null;
    }
    if (dg?.isDirectory()) {
      // git passes over a `.git` that is not a repository and looks further up: ask git.
      if (readText(path.join(dotGit, 'HEAD')) === null) throw new Unsure();
      gitDir = dotGit;
    }
    else if (dg?.isFile()) {
      const m = /^gitdir: (.+?)\r?\n?$/.exec(readText(dotGit) ?? '');
      if (!m) throw new Unsure();
      gitDir = path.resolve(dir, m[1]!);
    } else if (readText(path.join(dir, 'HEAD')) !== null) {
      // Inside a git directory or a bare repository: git's own rules, git's own answer.
      throw new Unsure();
    }
    if (gitDir !== null) {
      // A repository owned by someone else is refused (or allowed by safe.directory) by git.
      if (uid !== undefined && (st.uid !== uid || statSync(gitDir).uid !== uid)) throw new Unsure();
      const common = readText(path.join(gitDir, 'commondir'));
      const commonDir = common === null ? gitDir : path.resolve(gitDir, common.trim());
      return { gitDir, commonDir };
    }
    if (path.dirname(dir) === dir) return null;
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9-]*/;

function readConfigFile(file: string): Entry[] {
  const text = readText(file);
  return text === null ? [] : parseGitConfig(text);
}

/** Every key and value of one config file, in order; throws Unsure on includes or anything git might read otherwise. */
export function parseGitConfig(input: string): Entry[] {
  // git reads CR LF as LF, and skips a UTF-8 byte order mark.
  const text = (input.startsWith('\uFEFF') ? input.slice(1) : input).replace(/\r\n/g, '\n');
  const out: Entry[] = [];
  let section: string | null = null;
  let i = 0;
  const n = text.length;
  const skipBlank = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const c = text[i]!;
    if (c === '\n') {
      i++;
      continue;
    }
    if (c === '#' || c === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      i++;
      const m = /^[A-Za-z0-9.-]+/.exec(text.slice(i, i + 256));
      if (!m) throw new Unsure();
      i += m[0].length;
      let name = m[0].toLowerCase();
      if (text[i] === ']') {
        i++;
        // [section.subsection]: the old form, subsection lower-cased.
        const dot = name.indexOf('.');
        if (dot === 0 || name.endsWith('.')) throw new Unsure();
        section = name;
      } else {
        // [section "subsection"]: at least one blank, then the quoted name.
        if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') throw new Unsure();
        skipBlank();
        if (text[i] !== '"' || name.includes('.')) throw new Unsure();
        i++;
        let sub = '';
        for (;;) {
          if (i >= n || text[i] === '\n') throw new Unsure();
          const ch = text[i++]!;
          if (ch === '"') break;
          if (ch === '\\') {
            if (i >= n || text[i] === '\n') throw new Unsure();
            sub += text[i++]!;
          } else sub += ch;
        }
        if (text[i] !== ']') throw new Unsure();
        i++;
        section = `${name}.${sub}`;
      }
      name = section.split('.')[0]!;
      if (name === 'include' || name === 'includeif') throw new Unsure();
      continue;
    }
    const m = NAME.exec(text.slice(i, i + 256));
    if (!m || section === null) throw new Unsure();
    i += m[0].length;
    const key = `${section}.${m[0].toLowerCase()}`;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= n || text[i] === '\n') {
      out.push({ key, value: null });
      continue;
    }
    if (text[i] !== '=') throw new Unsure();
    i++;
    const [value, next] = parseValue(text, i);
    i = next;
    out.push({ key, value });
  }
  return out;
}

/**
 * A value as git's parse_value reads it: blanks outside quotes collapse to one space each and
 * only between value characters, quotes are removed, `#`/`;` outside quotes start a comment,
 * backslash escapes (n t b, a quote, a backslash) are resolved, and one at a line end continues
 * the value on the next line.
 */
function parseValue(text: string, start: number): [string, number] {
  let i = start;
  const n = text.length;
  let value = '';
  let spaces = 0;
  let quoted = false;
  let comment = false;
  for (;;) {
    const c = i < n ? text[i++]! : '\n';
    if (c === '\n') {
      if (quoted) throw new Unsure();
      return [value, i];
    }
    if (comment) continue;
    if (!quoted && (c === ' ' || c === '\t' || c === '\r')) {
      if (value.length > 0) spaces++;
      continue;
    }
    if (!quoted && (c === '#' || c === ';')) {
      comment = true;
      continue;
    }
    value += ' '.repeat(spaces);
    spaces = 0;
    if (c === '\\') {
      const d = i < n ? text[i++]! : '\n';
      if (d === '\n') continue;
      const esc = ({ n: '\n', t: '\t', b: '\b', '"': '"', '\\': '\\' } as Record<string, string>)[d];
      if (esc === undefined) throw new Unsure();
      value += esc;
      continue;
    }
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    value += c;
  }
}
