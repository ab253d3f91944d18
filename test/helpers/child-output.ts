/** Collect a child's stdout and stderr until it closes; SIGKILL and reject after a timeout. */
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function collectChild(child: ChildProcessByStdio<Writable | null, Readable, Readable>, timeoutMs: number, what: string, onClose?: () => void): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      onClose?.();
      resolve({ code, stdout, stderr });
    });
  });
}
