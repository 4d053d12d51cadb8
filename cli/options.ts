/** Small parsers shared by CLI commands: they turn flag text into values or say what is wrong. */
import { InvalidArgumentError } from 'commander'
import { parseDuration } from '../checks/duration.ts'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port number (0-65535)`)
  }
  return port
}

/** Parses `key=value` labels, from repeated flags or a comma-separated env var. */
export function parseLabels(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const labels = { ...previous }
  for (const pair of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [key, ...rest] = pair.split('=')
    if (!key || rest.length === 0)
      throw new InvalidArgumentError(`"${pair}" is not a key=value label`)
    labels[key] = rest.join('=')
  }
  return labels
}

/** Parses the hub's HTTP address (`--hub` of status and deploy), without a trailing slash. */
export function parseHttpUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL (expected e.g. http://hub:8080)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`"${value}" must start with http:// or https://`)
  }
  return value.replace(/\/+$/, '')
}

export function parseMqttUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError(
      `"${value}" is not a URL (expected e.g. mqtt://hub.example.com:1883)`,
    )
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new InvalidArgumentError(`"${value}" must start with mqtt://, mqtts://, ws:// or wss://`)
  }
  return value
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** Parses a size such as `1GiB`, `500MB` or `1048576` into bytes. */
export function parseBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim())
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'none']
  if (!match || unit === undefined) {
    throw new InvalidArgumentError(
      `"${value}" is not a size (use e.g. 1GiB, 500MB or a byte count)`,
    )
  }
  return Math.round(Number(match[1]) * unit)
}

/** Parses a duration flag such as `48h` or `5s` into milliseconds. */
export function parseDurationFlag(value: string): number {
  try {
    return parseDuration(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}
