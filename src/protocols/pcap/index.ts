export * from './writer.js';
