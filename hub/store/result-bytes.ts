/**
 * Bytes for the stored results' formats (result-codec.ts, result-blocks.ts): a growable
 * writer and a reader of varints, numbers and strings, and result ids as 16 bytes.
 *
 * Numbers are varints with a two-bit tag: a non-negative whole number, a non-negative
 * number of thousandths (the runners round to the microsecond), a negative whole number,
 * or a float64 for anything else. A string is a name code (odd tag) or inline UTF-8
 * (even tag: its byte length).
 */

/** Returns a name code for a string worth sharing, or undefined to write it inline. */
export type Intern = (text: string, short: boolean) => number | undefined
export type NameOf = (code: number) => string

/** A growable byte buffer, reused across results by one writer. */
export class ByteWriter {
  bytes = new Uint8Array(1024)
  length = 0
  readonly #scratch = new DataView(new ArrayBuffer(8))

  reset(): void {
    this.length = 0
  }

  #room(n: number): void {
    if (this.length + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n))
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  byte(value: number): void {
    this.#room(1)
    this.bytes[this.length++] = value
  }

  raw(bytes: Uint8Array): void {
    this.#room(bytes.length)
    this.bytes.set(bytes, this.length)
    this.length += bytes.length
  }

  /** Unsigned LEB128, exact up to 2^53. */
  varint(value: number): void {
    this.#room(8)
    while (value >= 0x80) {
      this.bytes[this.length++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    this.bytes[this.length++] = value
  }

  number(value: number): void {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      if (value >= 0 && value < 2 ** 50) return this.varint(value * 4)
      if (value < 0 && value > -(2 ** 50)) return this.varint(-value * 4 + 2)
    } else if (value > 0 && value < 2 ** 40) {
      const thousandths = Math.round(value * 1000)
      if (thousandths / 1000 === value) return this.varint(thousandths * 4 + 1)
    }
    this.varint(3)
    this.#room(8)
    this.#scratch.setFloat64(0, value)
    for (let i = 0; i < 8; i++) this.bytes[this.length++] = this.#scratch.getUint8(i)
  }

  /** A name code (odd tag) or inline UTF-8 (even tag: its byte length). */
  string(text: string, intern: Intern | null, short: boolean): void {
    const code = intern?.(text, short)
    if (code !== undefined) return this.varint(code * 2 + 1)
    const max = text.length * 3
    this.#room(max + 8)
    // Length first: write the text after the largest varint it could need, then move it.
    const start = this.length
    const headroom = varintLength(max * 2)
    const written = textEncoder.encodeInto(text, this.bytes.subarray(start + headroom)).written
    this.varint(written * 2)
    const used = this.length - start
    if (used !== headroom)
      this.bytes.copyWithin(start + used, start + headroom, start + headroom + written)
    this.length = start + used + written
  }

  take(): Uint8Array {
    return this.bytes.slice(0, this.length)
  }
}

function varintLength(value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    n++
  }
  return n
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export class ByteReader {
  position = 0
  readonly #view: DataView

  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  byte(): number {
    if (this.position >= this.bytes.length) throw new RangeError('result body ends early')
    return this.bytes[this.position++]!
  }

  varint(): number {
    let value = 0
    let scale = 1
    for (;;) {
      const byte = this.byte()
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 0x80
    }
  }

  number(): number {
    const tagged = this.varint()
    const tag = tagged % 4
    const value = Math.floor(tagged / 4)
    if (tag === 0) return value
    if (tag === 1) return value / 1000
    if (tag === 2) return -value
    const float = this.#view.getFloat64(this.position)
    this.position += 8
    return float
  }

  string(nameOf: NameOf): string {
    const tag = this.varint()
    if (tag % 2 === 1) return nameOf((tag - 1) / 2)
    const end = this.position + tag / 2
    if (end > this.bytes.length) throw new RangeError('result body ends early')
    const text = textDecoder.decode(this.bytes.subarray(this.position, end))
    this.position = end
    return text
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CROCKFORD_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < CROCKFORD.length; i++) CROCKFORD_VALUE[CROCKFORD.charCodeAt(i)] = i

/**
 * A ULID as its 16 bytes, or the text itself when it does not fit them (a first
 * character past 7, which the schema's pattern allows): both sort as the ids do.
 */
export function idKey(id: string): Uint8Array | string {
  if (id.length !== 26 || id.charCodeAt(0) > 55 /* '7' */) return id
  const bytes = new Uint8Array(16)
  // 26 characters of 5 bits: 2 padding bits, then 128 bits, most significant first.
  let acc = 0
  let bits = 0
  let out = 0
  for (let i = 0; i < 26; i++) {
    const value = CROCKFORD_VALUE[id.charCodeAt(i)] ?? -1
    if (value < 0) return id
    acc = ((acc << 5) | value) & 0xffff
    bits += 5
    if (i === 0) {
      bits -= 2 // the top two bits of the first character are always 0
      continue
    }
    if (bits >= 8) {
      bits -= 8
      bytes[out++] = (acc >> bits) & 0xff
    }
  }
  return bytes
}

/** The characters of the id idText is making, as char codes. */
const ID_CHARS = new Array<number>(26).fill(0)

/**
 * The ULID text of an id column: one flat string. Appended a character at a time it
 * would be a chain of 14 string pieces (about 800 bytes instead of 48), and the read
 * model keeps the newest result of every series (30,000 at 10,000 checks).
 */
export function idText(key: Uint8Array | string): string {
  if (typeof key === 'string') return key
  ID_CHARS[0] = CROCKFORD.charCodeAt(key[0]! >> 5)
  let n = 1
  let acc = key[0]! & 0x1f
  let bits = 5
  for (let i = 1; i < 16; i++) {
    acc = ((acc << 8) | key[i]!) & 0xffff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      ID_CHARS[n++] = CROCKFORD.charCodeAt((acc >> bits) & 0x1f)
    }
  }
  return String.fromCharCode.apply(null, ID_CHARS)
}
