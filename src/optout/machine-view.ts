/**
 * What kind of machine a scenario's target believes it runs on. Tools change behaviour inside
 * containers (Next.js keeps its telemetry preference elsewhere when /.dockerenv exists) and in
 * CI, so a pack can say "as on a laptop" or "as in a container" and "in CI" or not.
 *
 * The container markers are shown or hidden by redirecting a few paths: the Node preload reads
 * the map from TELEMETRY_AUDIT_FS_VIEW and rewrites those paths in `fs` calls; sealed mode can
 * bind-mount the same files over the same paths (`machineView` is the one definition). Pure: the
 * runner writes the files.
 */
import path from 'node:path';

/** Names the machine the scenario emulates, for the report and for sealed mode. */
export const MACHINE_ENV = 'TELEMETRY_AUDIT_MACHINE';
/** JSON object: absolute path the target asks for → path it gets instead (the preload reads it). */
export const FS_VIEW_ENV = 'TELEMETRY_AUDIT_FS_VIEW';

/** Variables CI detectors (ci-info, std-env, is-ci, Next.js, Astro) read; `ci: false` removes them all. */
export const CI_VARS = [
  'CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'BUILD_ID', 'RUN_ID', 'CI_NAME', 'CI_APP_ID', 'CI_BUILD_ID', 'CI_BUILD_NUMBER',
  'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'HUDSON_URL', 'TEAMCITY_VERSION', 'TF_BUILD',
  'CODEBUILD_BUILD_ID', 'DRONE', 'APPVEYOR', 'BITBUCKET_BUILD_NUMBER', 'BITBUCKET_COMMIT', 'SEMAPHORE', 'NOW_BUILDER', 'VERCEL', 'NETLIFY',
  'HEROKU_TEST_RUN_ID', 'BUDDY_WORKSPACE_ID', 'CF_BUILD_ID', 'CM_BUILD_ID', 'WOODPECKER', 'AGOLA_GIT_REF', 'CIRRUS_CI', 'RELEASE_BUILD_ID',
] as const;

/** Paths container detectors look at (is-docker, is-inside-container, std-env). */
export const CONTAINER_MARKERS = ['/.dockerenv', '/run/.containerenv'] as const;
export const CGROUP_FILES = ['/proc/self/cgroup', '/proc/1/cgroup'] as const;

export interface MachineView {
  /** Files to create before the target starts (absolute paths inside `dir`). */
  files: Array<{ path: string; content: string }>;
  /** Path the target asks for → path it gets. A target that must not see a marker gets a path that does not exist. */
  map: Record<string, string>;
}

/** The view of a laptop (no container markers) or of a Docker container, built in `dir`. */
export function machineView(machine: 'laptop' | 'container', dir: string): MachineView {
  const files: MachineView['files'] = [];
  const map: Record<string, string> = {};
  const cgroup = path.join(dir, 'cgroup');
  if (machine === 'container') {
    for (const marker of CONTAINER_MARKERS) {
      const file = path.join(dir, marker.replace(/\//g, '_'));
      files.push({ path: file, content: '' });
      map[marker] = file;
    }
    files.push({ path: cgroup, content: `0::/docker/${'0'.repeat(64)}\n12:cpuset:/docker/${'0'.repeat(64)}\n` });
  } else {
    // Never created: the marker does not exist for the target.
    for (const marker of CONTAINER_MARKERS) map[marker] = path.join(dir, 'absent', marker.replace(/\//g, '_'));
    files.push({ path: cgroup, content: '0::/user.slice/user-1000.slice/session-1.scope\n' });
  }
  for (const f of CGROUP_FILES) map[f] = cgroup;
  return { files, map };
}
