// The engine's errors are the project's status-carrying errors (src/util/errors.ts, the one
// definition, shared with src/archive); engine modules import them from here.
export * from '../util/errors.js';
