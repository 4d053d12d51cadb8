/**
 * Fields the channel modules' config schemas share. Each channel module exports its
 * own `configSchema`; validate.ts checks a project's channels against them all.
 */
import { z } from 'zod'

export const channelName = z.string().min(1)

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })

/** Tokens and keys: required, and never blank, since a blank one fails only at 3 a.m. */
export const secret = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, `${what} is empty`)
