/**
 * Measure a step in a fresh Node process, so its peak memory is its own and one case's
 * garbage does not slow the next. The child prints one JSON line with its figures.
 */
import { spawn } from 'node:child_process';

export interface Measurement {
  ms: number;
  maxRssMiB: number;
  [key: string]: number;
}

export function measureInChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as Measurement);
      } catch {
        reject(new Error(`no measurement from ${script}: ${out}`));
      }
    });
  });
}

/**
 * Called in the child: report the elapsed time, peak RSS and CPU time (user + system, every
 * thread of the process: on a shared machine the work done swings less than the wall time).
 */
export function reportMeasurement(ms: number, extra: Record<string, number> = {}): void {
  const usage = process.resourceUsage();
  const maxRssMiB = usage.maxRSS / 1024;
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ ms, maxRssMiB, cpuMs, ...extra }) + '\n');
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
