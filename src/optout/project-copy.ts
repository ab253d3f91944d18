/**
 * A project per scenario: commands such as `next build` or `nuxt prepare` need a project as
 * their working directory, scenarios write its config files, and builds write into it (a shared
 * `.next/` would force one scenario at a time). Each scenario gets its own copy of the template;
 * node_modules is not copied but linked, so dependencies resolve as in the template.
 */
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { Project } from './pack-schema.js';

export class ProjectError extends Error {}

/** The template directory, checked: a missing or non-directory template fails before anything runs. */
export function projectTemplate(project: Project, baseDir: string, fallback: string): string {
  const dir = project.template !== undefined ? path.resolve(baseDir, project.template) : fallback;
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ProjectError(`the project template ${dir} is not a directory${project.template === undefined ? ' (give --project DIR)' : ''}`);
  return dir;
}

/** Copy (or hard-link) `template` into `dest`, leaving out node_modules and the excluded names; returns PATH entries to add. */
export function copyProject(template: string, dest: string, project: Project): string[] {
  const exclude = new Set(['node_modules', ...(project.exclude ?? [])]);
  const hardlink = project.link === 'hardlink';
  const walk = (from: string, to: string, top: boolean): void => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (top && exclude.has(entry.name)) continue;
      const src = path.join(from, entry.name);
      const dst = path.join(to, entry.name);
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
      else if (entry.isDirectory()) walk(src, dst, false);
      else if (entry.isFile()) {
        if (hardlink) {
          try {
            linkSync(src, dst);
            continue;
          } catch {
            // Another file system, or links not allowed: a copy is always right.
          }
        }
        copyFileSync(src, dst);
      }
      // Sockets, FIFOs and devices are not part of a project.
    }
  };
  walk(template, dest, true);
  const modules = path.join(template, 'node_modules');
  if ((project.nodeModules ?? 'symlink') === 'symlink' && existsSync(modules) && lstatSync(modules).isDirectory()) {
    symlinkSync(modules, path.join(dest, 'node_modules'), 'dir');
    return [path.join(dest, 'node_modules', '.bin')];
  }
  return [];
}
