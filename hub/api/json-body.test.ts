import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readJsonBody, readValidBody } from './json-body.ts'

const schema = z.strictObject({ by: z.string().min(1).optional(), count: z.int().optional() })

/** Echoes what the reader made of the body, so each test sees exactly that. */
const app = new Hono()
app.post('/raw', async (c) => {
  const read = await readJsonBody(c, { maxBytes: 1024 })
  return read.ok ? c.json({ body: read.body }) : read.response
})
app.post('/valid', async (c) => {
  const read = await readValidBody(c, schema, {
    maxBytes: 1024,
    example: '{"by": "alice"}',
    whenEmpty: {},
  })
  return read.ok ? c.json({ body: read.body }) : read.response
})

function post(path: string, body: string, type = 'application/json'): Promise<Response> {
  return Promise.resolve(
    app.request(path, { method: 'POST', body, headers: { 'content-type': type } }),
  )
}

async function answer(response: Response): Promise<{ status: number; json: unknown }> {
  return { status: response.status, json: await response.json() }
}

describe('readJsonBody', () => {
  it('passes any JSON on, not yet validated', async () => {
    expect(await answer(await post('/raw', '[1, "two"]'))).toEqual({
      status: 200,
      json: { body: [1, 'two'] },
    })
    expect((await post('/raw', '{}', 'application/json; charset=utf-8')).status).toBe(200)
  })

  it('refuses another content type with 415, which a web page cannot send unasked', async () => {
    expect(await answer(await post('/raw', '{}', 'text/plain'))).toEqual({
      status: 415,
      json: { error: 'send the body as JSON (content-type: application/json)' },
    })
  })

  it('refuses text that is not JSON, and an empty body when no default is given', async () => {
    const broken = await answer(await post('/raw', '{"by": '))
    expect(broken.status).toBe(400)
    expect(broken.json).toEqual({ error: expect.stringMatching(/^the body is not JSON: /) })
    expect((await post('/raw', '')).status).toBe(400)
  })
})

describe('readValidBody', () => {
  it('answers the parsed body, and the default for an empty one', async () => {
    expect(await answer(await post('/valid', '{"by": "bob"}'))).toEqual({
      status: 200,
      json: { body: { by: 'bob' } },
    })
    expect(await answer(await post('/valid', '  '))).toEqual({ status: 200, json: { body: {} } })
  })

  it('lists every problem with its path', async () => {
    expect(await answer(await post('/valid', '{"by": "", "count": 1.5, "extra": 1}'))).toEqual({
      status: 400,
      json: {
        error: 'the request body is invalid',
        errors: [
          'by: must not be empty',
          'count: expected a whole number, got 1.5',
          '(body): unknown option "extra"',
        ],
      },
    })
  })

  it('shows the example in the 415 answer', async () => {
    expect(
      await answer(await post('/valid', 'by=alice', 'application/x-www-form-urlencoded')),
    ).toEqual({
      status: 415,
      json: {
        error: 'send the body as JSON (content-type: application/json), e.g. {"by": "alice"}',
      },
    })
  })
})
