/** A JSON Schema 2020-12 validator (ajv), for checking the published schemas against real files. */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

// ajv is CommonJS; its 2020 build is its module.exports.
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as new (opts: object) => { compile(schema: object): ValidateFunction };

export function jsonSchemaValidator(schema: object): ValidateFunction {
  return new Ajv2020({ strict: false, allErrors: true }).compile(schema);
}
