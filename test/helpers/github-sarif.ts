/**
 * What GitHub code scanning checks in an uploaded SARIF file beyond the SARIF schema (its
 * documented limits and requirements): a file that breaks one is rejected whole, or loses
 * results silently. Returns the problems; empty means GitHub accepts it.
 */
interface Loc {
  physicalLocation?: { artifactLocation?: { uri?: string; uriBaseId?: string }; region?: { startLine?: number } };
}

export const GITHUB_LIMITS = { runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000, relatedPerResult: 1_000, tagsPerRule: 20 } as const;

function locationProblems(where: string, loc: Loc): string[] {
  const uri = loc.physicalLocation?.artifactLocation?.uri;
  if (typeof uri !== 'string' || uri === '') return [`${where}: no physicalLocation.artifactLocation.uri`];
  const out: string[] = [];
  const line = loc.physicalLocation?.region?.startLine;
  if (line !== undefined && (!Number.isInteger(line) || line < 1)) out.push(`${where}: startLine ${line}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) ? !uri.startsWith('file:') : uri.startsWith('/')) out.push(`${where}: uri ${uri} is neither relative nor file:`);
  return out;
}

export function githubSarifProblems(sarif: any): string[] {
  const out: string[] = [];
  if (sarif?.version !== '2.1.0') out.push(`version ${sarif?.version}`);
  const runs: any[] = sarif?.runs ?? [];
  if (runs.length > GITHUB_LIMITS.runs) out.push(`${runs.length} runs`);
  runs.forEach((run, ri) => {
    const rules: any[] = run.tool?.driver?.rules ?? [];
    if (rules.length > GITHUB_LIMITS.rulesPerRun) out.push(`run ${ri}: ${rules.length} rules`);
    for (const rule of rules) {
      if ((rule.properties?.tags ?? []).length > GITHUB_LIMITS.tagsPerRule) out.push(`rule ${rule.id}: too many tags`);
      const sev = rule.properties?.['security-severity'];
      if (sev !== undefined && !(Number(sev) >= 0 && Number(sev) <= 10)) out.push(`rule ${rule.id}: security-severity ${sev}`);
      if (rule.helpUri !== undefined && !/^https:\/\//.test(rule.helpUri)) out.push(`rule ${rule.id}: helpUri ${rule.helpUri}`);
    }
    const results: any[] = run.results ?? [];
    if (results.length > GITHUB_LIMITS.resultsPerRun) out.push(`run ${ri}: ${results.length} results (GitHub accepts ${GITHUB_LIMITS.resultsPerRun})`);
    const fingerprints = new Set<string>();
    results.forEach((r, i) => {
      const where = `run ${ri} result ${i} (${r.ruleId})`;
      if (typeof r.message?.text !== 'string' || r.message.text === '') out.push(`${where}: no message.text`);
      if (typeof r.ruleId !== 'string') out.push(`${where}: no ruleId`);
      const locations: Loc[] = r.locations ?? [];
      if (locations.length === 0) out.push(`${where}: no location (GitHub rejects the upload)`);
      if (locations.length > GITHUB_LIMITS.locationsPerResult) out.push(`${where}: ${locations.length} locations`);
      locations.forEach((l, j) => out.push(...locationProblems(`${where} location ${j}`, l)));
      const related: Loc[] = r.relatedLocations ?? [];
      if (related.length > GITHUB_LIMITS.relatedPerResult) out.push(`${where}: ${related.length} related locations`);
      related.forEach((l, j) => out.push(...locationProblems(`${where} related ${j}`, l)));
      const fp = JSON.stringify(r.partialFingerprints ?? null);
      if (r.partialFingerprints && fingerprints.has(`${r.ruleId}${fp}`)) out.push(`${where}: repeats the fingerprint of an earlier result`);
      fingerprints.add(`${r.ruleId}${fp}`);
    });
  });
  return out;
}
