export * from './types.js';
export { MapStoreError, type MapStoreErrorCode } from './errors.js';
export { diffMaps, jsonEqual } from './diff.js';
export { planPromotion, type PromotionPlan } from './backups.js';
export { mapKeys, type MapKeys } from './keys.js';
export { MemoryMapStore, type MemoryMapStoreOptions } from './memory.js';
export { RedisMapStore, type RedisMapStoreOptions } from './redis.js';
