// The Engine API's request and response shapes, one module per object. Types only: the client and
// the daemon's handlers both import them, and nothing here exists at run time.
export type * from './common.js';
export type * from './containers.js';
export type * from './exec.js';
export type * from './images.js';
export type * from './networks.js';
export type * from './volumes.js';
export type * from './system.js';
