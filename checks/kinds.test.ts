import { describe, expect, it } from 'vitest'
import * as api from './index.ts'
import { capabilityOf, CHECK_KIND_NAMES, CHECK_KINDS, checkSpecSchema } from './kinds.ts'
import { HOST_KINDS, type HostFactories, type HostKind } from './specs/host.ts'
import { httpSpecSchema, type HttpProps } from './specs/http.ts'
import { defineKind, type KindInput } from './specs/kind.ts'

type NonHostKind = Exclude<keyof typeof CHECK_KINDS, HostKind>

// The public API (the package entry) must export the factory of every kind by its
// name, and `host` one per host kind: these fail to compile when one is missing.
const publicFactories: { [K in NonHostKind]: (typeof CHECK_KINDS)[K]['factory'] } = api
const publicHostFactories: HostFactories = api.host

describe('the kinds table', () => {
  it('lists the kinds in the order of the CheckSpec union', () => {
    expect(CHECK_KIND_NAMES).toEqual(
      checkSpecSchema.options.map((option) => option.shape.kind.value),
    )
  })

  it('is what the public API exports a factory of, for every kind', () => {
    for (const kind of CHECK_KIND_NAMES) {
      const factory = HOST_KINDS.includes(kind as HostKind)
        ? publicHostFactories[kind.slice('host.'.length) as keyof HostFactories]
        : publicFactories[kind as NonHostKind]
      expect(factory).toBe(CHECK_KINDS[kind].factory)
      expect(factory('some-id', {} as never)).toMatchObject({ kind, id: 'some-id' })
    }
  })

  it('says which kinds need a probe capability', () => {
    const needing = CHECK_KIND_NAMES.filter((kind) => capabilityOf(kind) !== undefined)
    expect(Object.fromEntries(needing.map((kind) => [kind, capabilityOf(kind)]))).toEqual({
      ping: 'ping',
      browser: 'browser',
      ...Object.fromEntries(HOST_KINDS.map((kind) => [kind, 'host'])),
    })
  })
})

describe('defineKind', () => {
  it('does not compile when a prop is unknown to the schema or does not fit it', () => {
    interface Extra extends HttpProps {
      retries?: number
    }
    const extra = (id: string, props: Extra): KindInput<'http', Extra> => ({
      kind: 'http',
      id,
      ...props,
    })
    // @ts-expect-error the schema is strict: `retries` would be rejected on deploy
    defineKind({ schema: httpSpecSchema, factory: extra, target: (spec) => spec.url })

    interface Wrong extends Omit<HttpProps, 'method'> {
      method?: 'FETCH'
    }
    const wrong = (id: string, props: Wrong): KindInput<'http', Wrong> => ({
      kind: 'http',
      id,
      ...props,
    })
    // @ts-expect-error the schema accepts no method "FETCH"
    defineKind({ schema: httpSpecSchema, factory: wrong, target: (spec) => spec.url })
  })
})
