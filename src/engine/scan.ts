/**
 * Every text part of a request through the detectors and scanners, with a cache for the short
 * texts telemetry repeats (keys, enum values), each hit a finding where the part stands.
 */
import type { Detector } from '../detectors/detector.js';
import type { ScanHit, TextPart, TextScanner } from '../detectors/text-scanner.js';
import type { Severity } from '../policy/policy-schema.js';
import type { AuditOptions } from './audit-request.js';
import { addCheckFailed, type FindingSink } from './finding-sink.js';
import { isVolatileText } from './volatile-text.js';

/** A scan hit without its place: the same text scans the same wherever it stands. */
interface CachedHit {
  rule: string;
  message: string;
  evidence?: string | undefined;
  encoding?: string | undefined;
  matched?: string | undefined;
  severity?: Severity | undefined;
}

/**
 * Scan results per short text, per set of detectors and scanners. Telemetry repeats itself:
 * the same keys and enum values arrive in every payload of a kind, so most parts are texts
 * already scanned. Long texts (bodies, stacks) are scanned every time.
 */
const scanCaches = new WeakMap<readonly Detector[], WeakMap<readonly TextScanner[], ScanCache>>();

/**
 * One map per combination of the flags that change what a scanner does with a text (isKey,
 * parsedElsewhere), keyed by the text alone: no key string is joined per part.
 */
interface ScanCache {
  byFlags: [Map<string, CachedHit[]>, Map<string, CachedHit[]>, Map<string, CachedHit[]>, Map<string, CachedHit[]>];
  size: number;
}
const NO_DETECTORS: readonly Detector[] = [];
const NO_SCANNERS: readonly TextScanner[] = [];

/** The cache for this pair of detector and scanner lists (callers build options anew per request). */
function scanCacheFor(options: AuditOptions): ScanCache {
  const detectors = options.detectors ?? NO_DETECTORS;
  const scanners = options.scanners ?? NO_SCANNERS;
  let byScanners = scanCaches.get(detectors);
  if (!byScanners) scanCaches.set(detectors, (byScanners = new WeakMap()));
  let cache = byScanners.get(scanners);
  if (!cache) byScanners.set(scanners, (cache = { byFlags: [new Map(), new Map(), new Map(), new Map()], size: 0 }));
  return cache;
}
const CACHEABLE_TEXT = 64;
const SCAN_CACHE_MAX = 20_000;

function scanText(part: TextPart, options: AuditOptions): CachedHit[] {
  const hits = detectorHits(part.text, options);
  for (const scanner of options.scanners ?? []) for (const hit of scanner.scan(part)) hits.push(cachedHit(hit));
  return hits;
}

function detectorHits(text: string, options: AuditOptions): CachedHit[] {
  const hits: CachedHit[] = [];
  for (const detector of options.detectors ?? []) {
    for (const hit of detector.detect(text)) {
      hits.push({ rule: detector.id, message: hit.message ?? `${detector.title} found`, evidence: hit.value, severity: detector.severity, encoding: hit.encoding });
    }
  }
  return hits;
}

function cachedHit(hit: ScanHit): CachedHit {
  return { rule: hit.rule, message: hit.message, evidence: hit.evidence, encoding: hit.encoding, matched: hit.matched, severity: hit.severity };
}

export function scanParts(parts: TextPart[], options: AuditOptions, sink: FindingSink): void {
  const cache = scanCacheFor(options);
  for (const part of parts) {
    if (part.text === '') continue;
    let hits: CachedHit[];
    try {
      hits = scanPart(part, options, cache);
    } catch (err) {
      // One part that cannot be scanned is a finding where it stands; the others are still scanned.
      addCheckFailed(sink, part.location, err);
      continue;
    }
    addHits(sink, part, hits);
  }
}

function addHits(sink: FindingSink, part: TextPart, hits: readonly CachedHit[]): void {
  for (const hit of hits) {
    sink.add(hit.rule, hit.message, part.location, {
      evidence: hit.evidence,
      ...(hit.encoding ? { encoding: hit.encoding } : {}),
      ...(hit.matched ? { matched: hit.matched } : {}),
      ...(hit.severity ? { severity: hit.severity } : {}),
      scanned: true,
    });
  }
}

/**
 * A parsed JSON body: its string literals (keys and values, with their paths) and then its raw
 * text, with the findings scanParts would give for [...literals(), raw]. The raw text is scanned
 * first, and when it shows nothing and proves that no literal can show anything (no backslash,
 * so every literal is a substring of it between two '"'; every detector's hits in a literal
 * show in the whole text; every scanner clears the literals, decoded layers included), the
 * literals are neither listed nor scanned: telemetry is mostly clean, and this is one pass over
 * the body instead of one per string. Any hit, or any doubt, scans every literal as before, so
 * a hit still gets its path.
 */
export function scanJsonBody(raw: TextPart, literals: () => TextPart[], options: AuditOptions, sink: FindingSink): void {
  let whole: { hits: CachedHit[]; literalsClean: boolean } | null;
  let failure: unknown = null;
  try {
    whole = scanWhole(raw, options);
  } catch (err) {
    whole = null;
    failure = err;
  }
  if (whole?.literalsClean && whole.hits.length === 0) return;
  scanParts(literals(), options, sink);
  if (whole) addHits(sink, raw, whole.hits);
  else addCheckFailed(sink, raw.location, failure);
}

function scanWhole(part: TextPart, options: AuditOptions): { hits: CachedHit[]; literalsClean: boolean } {
  const hits = detectorHits(part.text, options);
  let literalsClean = !part.text.includes('\\') && (options.detectors ?? []).every((d) => d.literalHitsShowInWhole);
  for (const scanner of options.scanners ?? []) {
    const whole = scanner.scanWhole ? scanner.scanWhole(part) : { hits: scanner.scan(part), literalsClean: false };
    if (!whole.literalsClean) literalsClean = false;
    for (const hit of whole.hits) hits.push(cachedHit(hit));
  }
  return { hits, literalsClean };
}

function scanPart(part: TextPart, options: AuditOptions, cache: ScanCache): CachedHit[] {
  if (part.text.length > CACHEABLE_TEXT || isVolatileText(part.text)) return scanText(part, options);
  // Flags change what a scanner does with a text, so each combination has its own map.
  const byText = cache.byFlags[(part.isKey ? 2 : 0) + (part.parsedElsewhere ? 1 : 0)]!;
  const cached = byText.get(part.text);
  if (cached) return cached;
  const hits = scanText(part, options);
  if (cache.size >= SCAN_CACHE_MAX) {
    for (const map of cache.byFlags) map.clear();
    cache.size = 0;
  }
  byText.set(part.text, hits);
  cache.size++;
  return hits;
}
