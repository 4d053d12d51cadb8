/**
 * MQTT topic layout shared by hub and probes (DESIGN.md §3). The prefix is
 * configurable so that several Vantage networks can share one broker.
 */
export const DEFAULT_TOPIC_PREFIX = 'vantage/v1'

/** Number of result shards; 1 until several hubs split the checks. */
export const RESULT_SHARDS = 1

export function topics(prefix = DEFAULT_TOPIC_PREFIX) {
  return {
    config: `${prefix}/config`,
    probeStatus: (probeId: string) => `${prefix}/probes/${probeId}/status`,
    allProbeStatus: `${prefix}/probes/+/status`,
    results: (shard: number, probeId: string) => `${prefix}/results/${shard}/${probeId}`,
    allResults: `${prefix}/results/+/+`,
    acks: (probeId: string) => `${prefix}/probes/${probeId}/acks`,
    commands: (probeId: string) => `${prefix}/probes/${probeId}/commands`,
    /** Extracts the probe id from a `probes/{id}/...` or `results/{shard}/{id}` topic. */
    probeIdOf(topic: string): string | undefined {
      const rest = topic.startsWith(`${prefix}/`) ? topic.slice(prefix.length + 1).split('/') : []
      if (rest[0] === 'probes' && rest.length === 3) return rest[1]
      if (rest[0] === 'results' && rest.length === 3) return rest[2]
      return undefined
    },
  }
}
export type Topics = ReturnType<typeof topics>

/** Probe ids appear in topics, so they must not contain MQTT wildcards or separators. */
export const PROBE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
