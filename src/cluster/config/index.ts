/**
 * Configuration: load and validate a config file (YAML, version 1) into a filled config, or report
 * every problem at once; and the JSON Schema editors use for the same file.
 */
export { loadConfig, type LoadOptions, type LoadedConfig } from './load.js';
export { ConfigError, type ConfigErrorCode, type ConfigIssue } from './errors.js';
export { configJsonSchema } from './json-schema.js';
export { validateConfig, type Validation, type ValidateOptions } from './validate.js';
export { describeSchema, worded } from './describe.js';
export { backoffSpan } from './warnings.js';
export {
  configSchema,
  LOG_LEVELS,
  type BackoffConfig,
  type DestinationConfig,
  type HostConfig,
  type MapStoreConfig,
  type NarflowConfig,
  type NodeConfig,
  type RoutingConfig,
} from './schema.js';
