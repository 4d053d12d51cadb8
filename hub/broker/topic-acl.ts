/**
 * The topic rules of the network, as pure functions so that the
 * embedded broker and the generated Mosquitto ACL say the same thing:
 * - a probe publishes only its own `probes/{id}/status` (its Last Will included),
 *   `results/{shard}/{id}` and `artifacts/{id}`;
 * - it subscribes only to `config`, `hub/status`, `probes/+/status` and its own `acks`,
 *   `commands` and `artifact-acks`;
 * - the hub may do everything;
 * - nobody publishes to `$`-topics, which belong to the broker (`$SYS/`).
 */
import { DEFAULT_TOPIC_PREFIX, topics as topicsFor, type Topics } from '../../checks/wire.ts'

/** Who a connected client is, as far as the topic rules care. */
export type Principal = { kind: 'hub' } | { kind: 'probe'; probeId: string }

/** The topic rules for one topic prefix. */
export class TopicAcl {
  private readonly topics: Topics

  constructor(readonly prefix: string = DEFAULT_TOPIC_PREFIX) {
    this.topics = topicsFor(prefix)
  }

  mayPublish(principal: Principal, topic: string): boolean {
    if (topic.startsWith('$')) return false
    if (principal.kind === 'hub') return true
    const { probeId } = principal
    return (
      topic === this.topics.probeStatus(probeId) ||
      topic === this.topics.artifacts(probeId) ||
      this.isOwnResultsTopic(topic, probeId)
    )
  }

  /** `filter` is the subscription as sent, wildcards included; only exact allowed filters pass. */
  maySubscribe(principal: Principal, filter: string): boolean {
    if (principal.kind === 'hub') return true
    const { probeId } = principal
    return (
      filter === this.topics.config ||
      filter === this.topics.hubStatus ||
      filter === this.topics.allProbeStatus ||
      filter === this.topics.acks(probeId) ||
      filter === this.topics.commands(probeId) ||
      filter === this.topics.artifactAcks(probeId)
    )
  }

  /** True for the probe's own status topic (where its region can be checked). */
  isStatusOf(topic: string, probeId: string): boolean {
    return topic === this.topics.probeStatus(probeId)
  }

  private isOwnResultsTopic(topic: string, probeId: string): boolean {
    const head = `${this.prefix}/results/`
    if (!topic.startsWith(head)) return false
    const [shard, id, ...rest] = topic.slice(head.length).split('/')
    return rest.length === 0 && !!shard && /^\d+$/.test(shard) && id === probeId
  }
}
