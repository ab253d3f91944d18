/** Rules the shape baseline reports (`audit --shape-baseline`); part of every run's catalogue. */
import type { RuleDoc } from '../policy/policy-schema.js';

export const SHAPE_RULES = {
  newKind: {
    id: 'shape/new-kind',
    severity: 'error',
    title: 'Payload kind not in the shape baseline',
    description: 'A kind of payload is sent that the approved shape baseline never recorded.',
    help: 'Review the payload; if it is expected, record a new baseline with `telemetry-audit shape`.',
  },
  newField: {
    id: 'shape/new-field',
    severity: 'error',
    title: 'Field not in the shape baseline',
    description: 'A payload carries a field that the approved shape baseline does not have: the most common way telemetry quietly grows.',
    help: 'Review the field; if it is expected, record a new baseline with `telemetry-audit shape`.',
  },
  newType: {
    id: 'shape/new-type',
    severity: 'error',
    title: 'Field with a type not in the shape baseline',
    description: 'A field has a value type that the approved shape baseline never saw for it (a count that became a string, an object where null was).',
    help: 'Review the value; if it is expected, record a new baseline with `telemetry-audit shape`.',
  },
} as const satisfies Record<string, RuleDoc>;

export const BASELINE_RULES: readonly RuleDoc[] = Object.values(SHAPE_RULES);
