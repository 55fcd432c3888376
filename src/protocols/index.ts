export * from './errors.js';
export * from './nar/nar.js';
export * from './nar/batch.js';
export * from './csv/csv.js';
export * from './nar/shape.js';
