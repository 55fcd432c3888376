export * from './errors.js';
export * from './input-log.js';
export * from './checkpoint.js';
export * from './watermarks.js';
export * from './retention.js';
export { MAX_ENTRY_PAYLOAD, segmentFileName } from './log-format.js';
