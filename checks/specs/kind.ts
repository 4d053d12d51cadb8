/**
 * What a check kind's spec module declares besides its schema: the public factory
 * (`http(id, props)`), the one line that says what a check watches, and the probe
 * capability it needs. checks/kinds.ts puts every kind's definition in one table, and
 * all that differs by kind outside the runners is derived from that table.
 */
import type { z } from 'zod'

/** What a probe must have beyond plain networking to run a kind (probe/capabilities.ts). */
export type Capability = 'ping' | 'host' | 'browser'

/** What a factory returns: the props, with the check's id and kind. */
export type KindInput<K extends string, P> = { kind: K; id: string } & P

/** A kind's schema: an object whose `kind` is one literal. */
export type KindSchema = z.ZodType<{ kind: string }>

type KindOf<S extends KindSchema> = z.output<S>['kind']

/**
 * Options `defaults` fills in before a check is validated (validate.ts), so props may
 * leave them out where the schema requires them (regions, most of all).
 */
type ProjectDefaulted = 'every' | 'timeout' | 'regions' | 'tags' | 'enabled'

type WithProjectDefaults<I> = Omit<I, ProjectDefaulted> &
  Partial<Pick<I, ProjectDefaulted & keyof I>>

/** A kind's public factory, such as `http(id, props)`: the props plus id and kind. */
export type KindFactory<K extends string = string> = (
  id: string,
  props: never,
) => { kind: K; id: string }

type PropsOf<F> = F extends (id: string, props: infer P) => unknown ? P : never

/**
 * The compile-time check that a kind's props describe what its schema accepts: every
 * prop is a schema option, and props plus id and kind are a valid schema input once
 * the project defaults are in. A mismatch shows as a missing property named after it.
 */
export type PropsFitSchema<S extends KindSchema, F extends KindFactory> = [
  KindInput<KindOf<S>, PropsOf<F>>,
] extends [WithProjectDefaults<z.input<S>>]
  ? [Exclude<keyof PropsOf<F>, keyof z.input<S>>] extends [never]
    ? unknown
    : { propsTheSchemaDoesNotKnow: Exclude<keyof PropsOf<F>, keyof z.input<S>> }
  : { propsThatDoNotFitTheSchemaInput: PropsOf<F> }

export interface KindDefinition<S extends KindSchema, F extends KindFactory> {
  /** Validates a check and fills in its defaults: the CheckSpec of the kind. */
  schema: S
  /**
   * The factory `monitors.ts` calls, exported by the public API. Kept with its own
   * type, so that editors show its JSDoc wherever it is re-exported.
   */
  factory: F
  /**
   * What a check watches, in a few words (the `target` of the API and the status page).
   * The text is public: never put a secret of the spec in it.
   */
  target: (spec: z.output<S>) => string
  /** The capability a probe needs to run the kind; none when left out. */
  capability?: Capability
  /**
   * The longest one run may take before run-check gives up on it. Default: the
   * check's `timeout`. A kind whose runner reports its own timeouts with evidence, or
   * retries, asks for more.
   */
  runLimitMs?: (spec: z.output<S>) => number
}

/** Declares a kind, checking its props against its schema. */
export function defineKind<S extends KindSchema, F extends KindFactory<KindOf<S>>>(
  definition: KindDefinition<S, F> & PropsFitSchema<S, F>,
): KindDefinition<S, F> {
  return definition
}
