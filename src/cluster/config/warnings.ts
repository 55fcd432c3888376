/**
 * Findings that do not stop a start but deserve an operator's look.
 */
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { formatPath, type PathSegment } from './errors.js';
import type { BackoffConfig, NarflowConfig } from './schema.js';

export interface PathWarning {
  readonly path: readonly PathSegment[];
  readonly text: string;
}

/** The sum of the first `count` nominal restart delays (no jitter): min(max, initial × factor^(n−1)). */
export function backoffSpan(backoff: BackoffConfig, count: number): number {
  let sum = 0;
  for (let n = 1; n <= count; n += 1)
    sum += Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (n - 1));
  return sum;
}

/**
 * Restarts of a child are at least one delay apart, so when `intensity` consecutive delays already
 * span more than `period`, the pipeline supervisor can never count more than `intensity` restarts
 * in a period and never gives up on that child.
 */
function backoffWarning(
  path: readonly PathSegment[],
  who: string,
  backoff: BackoffConfig,
  intensity: number,
  period: number,
): PathWarning[] {
  const span = backoffSpan(backoff, intensity);
  if (span <= period * 1000) return [];
  const where = formatPath(['supervision', 'pipeline']);
  return [
    {
      path,
      text:
        `${intensity} consecutive restart delays${who} add up to ${Math.round(span)} ms, more than the period ` +
        `(${where}.period: ${period} s), so the pipeline supervisor can never exceed its intensity and give up`,
    },
  ];
}

export function configWarnings(config: NarflowConfig, registry: NodeTypeRegistry): PathWarning[] {
  const { intensity, period, backoff } = config.supervision.pipeline;
  const warnings = backoffWarning(['supervision', 'pipeline', 'backoff'], '', backoff, intensity, period);
  config.nodes.forEach((node, i) => {
    const own = node.supervision.backoff;
    if (own) {
      const path = ['nodes', i, 'supervision', 'backoff'];
      warnings.push(...backoffWarning(path, ` of "${node.id}"`, own, intensity, period));
    }
    const kind = registry.get(node.type)?.kind;
    if (kind !== undefined && kind !== 'OI' && node.destinations.length === 0) {
      warnings.push({
        path: ['nodes', i, 'destinations'],
        text: `"${node.id}" (${kind}) has no destinations, so nothing receives what it emits`,
      });
    }
  });
  return warnings;
}
