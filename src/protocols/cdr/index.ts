/** TS 32.298 CDRs (BER): decode, encode, NAR mapping. */
export { decodeCdr } from './decode.js';
export { encodeCdr } from './encode.js';
export { cdrToNar, decodeCdrToNar, NAR_SOURCE_FIELDS } from './nar-mapping.js';
export { CDR_NAR_ATTRIBUTES, packCdrNar } from './packed.js';
export { CDR_RECORD_TYPES, DEFAULT_CDR_LIMITS } from './types.js';
export type { CdrLimits, CdrRecord, CdrRecordType, ServiceData, TrafficVolume } from './types.js';
