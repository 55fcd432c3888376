/** NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): pure decode/encode of flow exports. */
export {
  decodeV5,
  decodeV5Header,
  V5_HEADER_BYTES,
  V5_MAX_RECORDS,
  V5_RECORD_BYTES,
  type V5Packet,
} from './v5.js';
export { decodeV9, decodeV9Header, V9_HEADER_BYTES } from './v9.js';
export {
  decodeIpfix,
  decodeIpfixHeader,
  IPFIX_HEADER_BYTES,
  OPTIONS_TEMPLATE_SET_ID,
  TEMPLATE_SET_ID,
} from './ipfix.js';
export { decodePendingSet } from './data-sets.js';
export {
  DEFAULT_TEMPLATE_CACHE_LIMITS,
  TemplateCache,
  type CachedTemplate,
  type CompiledTemplate,
  type LearnOutcome,
  type SamplingEntry,
  type SystemInitEntry,
  type TemplateCacheLimits,
  type TemplateCacheSnapshot,
  type TemplateDefinition,
} from './templates.js';
export { flowToNar, type FlowToNarOptions } from './flow.js';
export {
  SequenceTracker,
  type SequenceObservation,
  type SequenceOptions,
  type SequenceOutcome,
  type SequenceResult,
  type SequenceSnapshot,
  type SequenceStats,
} from './sequence.js';
export {
  encodeIpfix,
  encodeV5,
  encodeV9,
  type FieldValues,
  type IpfixInput,
  type SetInput,
  type V5Input,
  type V9Input,
} from './encode.js';
export {
  ieById,
  ieByName,
  INFORMATION_ELEMENTS,
  naturalLength,
  V9_SCOPE_TYPES,
  VARIABLE_LENGTH,
  type DataType,
  type InformationElement,
} from './ie.js';
export type { FieldSpec, PlannedField, RecordPlan } from './plan.js';
export {
  DEFAULT_NETFLOW_LIMITS,
  type FlowMessage,
  type FlowRecord,
  type FlowValue,
  type FlowVersion,
  type IpfixHeader,
  type MessageCounters,
  type NetflowErrorCode,
  type NetflowLimits,
  type PendingSet,
  type SkippedSet,
  type V5Header,
  type V9Header,
} from './types.js';
