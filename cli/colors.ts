/**
 * Terminal colours for CLI output, on only for a terminal and when NO_COLOR is not
 * set (https://no-color.org). Hand-written rather than `util.styleText` because that
 * checks the stream and the environment itself in Node 22+ but not in Node 20, and
 * the report must look the same on all three.
 */

export type Paint = (text: string) => string

export interface Palette {
  green: Paint
  yellow: Paint
  red: Paint
  magenta: Paint
  dim: Paint
  bold: Paint
}

const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`

const plain: Paint = (text) => text

/** True when `stream` is a terminal and the user has not opted out with NO_COLOR. */
export function colorsWanted(stream: { isTTY?: boolean }, env = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR
}

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { green: plain, yellow: plain, red: plain, magenta: plain, dim: plain, bold: plain }
  }
  return {
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    red: ansi(31, 39),
    magenta: ansi(35, 39),
    dim: ansi(2, 22),
    bold: ansi(1, 22),
  }
}
