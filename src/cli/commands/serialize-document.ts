/** Write a policy or pack as YAML (with a leading comment) or as JSON, the forms users edit. */
import YAML from 'yaml';

export function serializeDocument(data: unknown, format: 'yaml' | 'json', comment?: string): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  const doc = new YAML.Document(data);
  if (comment) doc.commentBefore = comment.split('\n').map((l) => ` ${l}`).join('\n');
  // No line folding: long patterns and descriptions stay on one line, as written.
  return doc.toString({ lineWidth: 0 });
}
