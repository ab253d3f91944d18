/**
 * Turn what a reader found wrong in a capture container into problems on the requests it
 * holds, for the engine to report as errors: a duplicate key (two "body" keys, leaky first and
 * clean last, pass with any reader that keeps the last), and bytes that are not UTF-8 outside
 * the body (inside the body they stay raw bytes, and the engine's own UTF-8 check reports them).
 */
import type { DuplicateKey } from '../json/json-parse.js';
import type { CapturedRequest, ContainerProblem } from './captured-request.js';
import { hasStandIn, type ContainerText } from './container-text.js';

export function withContainerProblems(request: CapturedRequest, decoded: ContainerText, duplicates: readonly DuplicateKey[]): CapturedRequest {
  const problems: ContainerProblem[] = [];
  for (const d of duplicates) {
    problems.push({
      rule: 'capture/duplicate-key',
      message: `key ${JSON.stringify(d.key)} appears more than once in ${d.objectPath} (line ${d.position.line}, column ${d.position.column}); another reader may take the value the audit did not see`,
      evidence: d.key,
    });
  }
  if (decoded.invalidUtf8) {
    const outsideBody = !decoded.exact || hasStandIn(request.method) || (request.url !== null && hasStandIn(request.url)) || request.headers.some(([n, v]) => hasStandIn(n) || hasStandIn(v));
    if (outsideBody) {
      problems.push({
        rule: 'body/decode-failed',
        message: `the capture is not valid UTF-8${decoded.firstInvalidOffset !== undefined ? ` (first bad byte at offset ${decoded.firstInvalidOffset})` : ''}; what it holds outside the body (or, with stand-ins unusable, anywhere) cannot be read as sent`,
      });
    }
  }
  if (problems.length === 0) return request;
  return { ...request, containerProblems: [...(request.containerProblems ?? []), ...problems] };
}
