import { describe, expect, it } from 'vitest'
import { parseCommand } from './commands.ts'

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

describe('parseCommand', () => {
  it('reads a run command', () => {
    const command = { requestId: '01J', type: 'run', checkId: 'api', trigger: 'confirm' }
    expect(parseCommand(json(command))).toEqual(command)
  })

  it('refuses what is not JSON or not a known command', () => {
    expect(parseCommand(Buffer.from('{nope'))).toBeNull()
    expect(parseCommand(json({ requestId: '01J', type: 'stop', checkId: 'api' }))).toBeNull()
    expect(parseCommand(json({ type: 'run', checkId: 'api', trigger: 'confirm' }))).toBeNull()
    expect(
      parseCommand(json({ requestId: '01J', type: 'run', checkId: 'api', trigger: 'schedule' })),
    ).toBeNull()
  })
})
