/**
 * `npm run bench`: runs every case in bench/cases (or those whose name contains an argument).
 * Each case compares against a baseline measured in the same run, because the machine is
 * noisy: absolute times mean little, ratios mean something.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchCase {
  name: string;
  description: string;
  /** Returns the lines to print (figures and ratios). */
  run(): Promise<string[]>;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort();

let ran = 0;
for (const file of files) {
  const mod = (await import(path.join(dir, file))) as { bench?: BenchCase };
  const c = mod.bench;
  if (!c) continue;
  if (filters.length > 0 && !filters.some((f) => c.name.includes(f))) continue;
  ran++;
  console.log(`\n== ${c.name}: ${c.description}`);
  const started = Date.now();
  for (const line of await c.run()) console.log(`   ${line}`);
  console.log(`   (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
if (ran === 0) {
  console.error(`no bench case matched ${filters.join(', ')}`);
  process.exit(1);
}
