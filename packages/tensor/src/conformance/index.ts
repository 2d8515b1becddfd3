export { type OpCase, conformanceCases } from './cases.js';
export { type CaseResult, checkCase } from './run.js';
