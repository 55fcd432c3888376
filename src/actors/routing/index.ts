/** Routing on edges: all, round-robin, hash, equals and session (key groups on a hash ring). */
export { RoutingError, type RoutingErrorCode } from './errors.js';
export { hashBytes, hashString, hashUint32 } from './murmur3.js';
export {
  attributeText,
  keyGroupOf,
  sessionKey,
  MAX_KEY_GROUPS,
  SESSION_KEY_SEPARATOR,
} from './key-groups.js';
export { HashRing, MAX_VIRTUAL_NODES } from './hash-ring.js';
export { createRouter, isSessionRouter } from './edge-router.js';
export { keyGroupMoves, type KeyGroupMove } from './session-router.js';
export {
  ROUTE_ALL,
  ROUTE_NONE,
  type AllRouting,
  type EdgeRouter,
  type EqualsRouting,
  type HashRouting,
  type RoundRobinRouting,
  type RouterState,
  type RoutingSpec,
  type SessionRouter,
  type SessionRouting,
} from './types.js';
