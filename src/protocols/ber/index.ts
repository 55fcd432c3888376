export * from './primitives.js';
export * from './reader.js';
export * from './writer.js';
