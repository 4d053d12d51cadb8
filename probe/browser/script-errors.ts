/**
 * What went wrong in an attempt, as an error code: an expectation (ASSERTION_FAILED,
 * with expected and actual), a navigation (NAVIGATION_FAILED, with the net:: error or
 * the HTTP status), a timeout (TIMEOUT, with the step it was in), the browser itself
 * (BROWSER_CRASH, inconclusive), or anything else the script threw (SCRIPT_ERROR, with
 * the stack mapped to the script's own lines through its source map).
 */
import { SourceMap } from 'node:module'
import { ERROR_CODES, MAX_MESSAGE_LENGTH, type AssertionResult } from '../../checks/result.ts'
import { ExpectationError } from './expect.ts'

/** The file name the compiled bundle runs under; frames in it are mapped back. */
export const BUNDLE_PREFIX = 'vantage-script:'

export interface AttemptFailure {
  status: 'down' | 'inconclusive'
  error: { code: string; message: string }
  assertions: AssertionResult[]
}

// Escape codes that Playwright puts in its call logs for terminals.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/** The first line of an error's message, without terminal colours. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(ANSI, '').split('\n')[0]!.trim()
}

/** Maps a script's bundle positions back to its sources. */
export class ScriptLocator {
  readonly #map: SourceMap | undefined

  constructor(
    readonly bundleName: string,
    map: string | undefined,
  ) {
    let parsed: SourceMap | undefined
    try {
      parsed = map
        ? new SourceMap(JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0])
        : undefined
    } catch {
      parsed = undefined
    }
    this.#map = parsed
  }

  /**
   * The first frame of the stack that is in the script, as `file:line:col` of its
   * source, or undefined when the error did not pass through the script.
   */
  locate(stack: string | undefined): string | undefined {
    if (!stack) return undefined
    for (const line of stack.split('\n')) {
      const at = line.indexOf(this.bundleName)
      if (at < 0) continue
      const match = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(at + this.bundleName.length))
      if (!match) continue
      const lineNo = Number(match[1])
      const column = Number(match[2])
      const entry = this.#map?.findEntry(lineNo - 1, column - 1)
      if (entry && 'originalSource' in entry && entry.originalSource) {
        return `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
      }
      return `${this.bundleName}:${lineNo}:${column}`
    }
    return undefined
  }

  /** The stack's frames in the script, mapped, one per line; other frames left out. */
  mappedStack(stack: string | undefined): string[] {
    if (!stack) return []
    const frames: string[] = []
    for (const line of stack.split('\n')) {
      if (!line.includes(this.bundleName)) continue
      const where = this.locate(line)
      const fn = /^\s*at (?:async )?([^\s(]+) \(/.exec(line)?.[1]
      if (where) frames.push(`at ${fn ? `${fn} (${where})` : where}`)
    }
    return frames
  }
}

export interface FailureContext {
  /** The step the attempt was in, as `outer › inner`. */
  step: string | undefined
  /** The attempt's own deadline passed. */
  timedOut: boolean
  timeoutText: string
  /** The browser disconnected or a page crashed. */
  crashed: string | undefined
  /** A main-frame document answered 4xx/5xx: `HTTP 500 at http://...`. */
  navigationError: string | undefined
  locator: ScriptLocator
}

function cut(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
}

const inStep = (step: string | undefined) => (step ? ` in step "${step}"` : '')

/** The code, status and message of a failed attempt. `error` is what the script threw, if anything. */
export function classifyFailure(error: unknown, context: FailureContext): AttemptFailure {
  const { step, locator } = context
  const where = error instanceof Error ? locator.locate(error.stack) : undefined
  const at = where ? ` (at ${where})` : ''
  if (context.crashed) {
    return {
      status: 'inconclusive',
      error: { code: ERROR_CODES.BROWSER_CRASH, message: cut(`${context.crashed}${inStep(step)}`) },
      assertions: [],
    }
  }
  if (context.timedOut) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.TIMEOUT,
        message: cut(`the journey did not finish within ${context.timeoutText}${inStep(step)}`),
      },
      assertions: [],
    }
  }
  if (context.navigationError) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.NAVIGATION_FAILED,
        message: cut(`${context.navigationError}${inStep(step)}`),
      },
      assertions: [],
    }
  }
  if (error instanceof ExpectationError) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.ASSERTION_FAILED,
        message: cut(`${error.message}${inStep(step)}${at}`),
      },
      assertions: [
        {
          name: `expect(${error.target}).${error.matcher}`,
          ok: false,
          expected: error.expected,
          actual: error.actual,
        },
      ],
    }
  }
  const message = firstLine(error)
  const net = /net::ERR_[A-Z_]+/.exec(message)
  if (net) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.NAVIGATION_FAILED,
        message: cut(`${message}${inStep(step)}${at}`),
      },
      assertions: [],
    }
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return {
      status: 'down',
      error: { code: ERROR_CODES.TIMEOUT, message: cut(`${message}${inStep(step)}${at}`) },
      assertions: [],
    }
  }
  const name = error instanceof Error ? error.name : 'thrown value'
  const frames = error instanceof Error ? locator.mappedStack(error.stack) : []
  const detail = frames.length > 0 ? `\n${frames.slice(0, 5).join('\n')}` : ''
  return {
    status: 'down',
    error: {
      code: ERROR_CODES.SCRIPT_ERROR,
      message: cut(`${name}: ${message}${inStep(step)}${detail}`),
    },
    assertions: [],
  }
}
