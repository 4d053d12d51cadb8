import { describe, expect, it } from 'vitest'
import { normalize, parsePerfdata, parsePluginOutput } from './perfdata.ts'

describe('parsePerfdata', () => {
  it('reads label, value, unit and thresholds', () => {
    expect(parsePerfdata("'free space'=12.5GB;5;2;0;100 load1=0.42")).toEqual([
      { label: 'free space', value: 12.5, uom: 'GB', warn: '5', crit: '2', min: 0, max: 100 },
      { label: 'load1', value: 0.42, uom: '' },
    ])
  })

  it('keeps range thresholds as text and skips what it cannot read', () => {
    expect(parsePerfdata("a=1;@10:20;~:5 'it''s'=2c b=U c= garbage d=-3.5e2")).toEqual([
      { label: 'a', value: 1, uom: '', warn: '@10:20', crit: '~:5' },
      { label: "it's", value: 2, uom: 'c' },
      { label: 'd', value: -350, uom: '' },
    ])
  })
})

describe('normalize', () => {
  it('turns times into ms and sizes into bytes, and leaves the rest as given', () => {
    expect(normalize({ value: 0.25, uom: 's' })).toEqual({ value: 250, unit: 'ms' })
    expect(normalize({ value: 1500, uom: 'us' })).toEqual({ value: 1.5, unit: 'ms' })
    expect(normalize({ value: 2, uom: 'MB' })).toEqual({ value: 2 * 1024 * 1024, unit: 'B' })
    expect(normalize({ value: 42.5, uom: '%' })).toEqual({ value: 42.5, unit: '%' })
    expect(normalize({ value: 7, uom: 'furlongs' })).toEqual({ value: 7, unit: 'furlongs' })
  })
})

describe('parsePluginOutput', () => {
  it('splits message, long text and performance data from any line', () => {
    const output = parsePluginOutput(
      [
        'DISK OK - free space: / 3326 MB (56%) | /=2643MB;3948;4441;0;4935',
        'line one',
        'line two | b=2',
        'c=3',
        '',
      ].join('\n'),
    )
    expect(output.message).toBe('DISK OK - free space: / 3326 MB (56%)')
    expect(output.longText).toEqual(['line one', 'line two '])
    expect(output.perfdata.map((d) => [d.label, d.value])).toEqual([
      ['/', 2643],
      ['b', 2],
      ['c', 3],
    ])
  })

  it('has an empty message and no data for empty output', () => {
    expect(parsePluginOutput('')).toEqual({ message: '', longText: [], perfdata: [] })
  })
})
