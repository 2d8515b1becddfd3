export { conformanceCases, type OpCase } from './cases.js';
export { type CaseResult, checkCase } from './run.js';
