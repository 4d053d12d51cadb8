/**
 * Unsigned LEB128 varints: small numbers in one byte, any safe integer in at most eight.
 * Rollups pack many small counters per row, and a varint keeps a count of 1 at one byte.
 */

/** Appends varints to a growing byte buffer. */
export class VarintWriter {
  #bytes = new Uint8Array(64)
  #length = 0

  /** Appends a non-negative safe integer. */
  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`a varint holds a non-negative safe integer, got ${value}`)
    }
    this.#reserve(8)
    let rest = value
    while (rest >= 0x80) {
      this.#bytes[this.#length++] = (rest % 0x80) | 0x80
      rest = Math.floor(rest / 0x80)
    }
    this.#bytes[this.#length++] = rest
    return this
  }

  /** Appends bytes as they are. */
  raw(bytes: Uint8Array): this {
    this.#reserve(bytes.length)
    this.#bytes.set(bytes, this.#length)
    this.#length += bytes.length
    return this
  }

  get length(): number {
    return this.#length
  }

  /** The bytes written so far, as a Buffer (SQLite stores it as a BLOB). */
  toBuffer(): Buffer {
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset, this.#length)
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return
    const next = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + extra))
    next.set(this.#bytes.subarray(0, this.#length))
    this.#bytes = next
  }
}

/** Reads varints back; a truncated or overlong value throws with its offset. */
export class VarintReader {
  #offset = 0

  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.#offset >= this.bytes.length
  }

  /** The next byte, without reading it (undefined at the end). */
  peek(): number | undefined {
    return this.bytes[this.#offset]
  }

  /** The next `length` bytes as they are. */
  raw(length: number): Uint8Array {
    if (this.#offset + length > this.bytes.length) {
      throw new RangeError(`${length} bytes asked at byte ${this.#offset}, past the end`)
    }
    const bytes = this.bytes.subarray(this.#offset, this.#offset + length)
    this.#offset += length
    return bytes
  }

  uint(): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const byte = this.bytes[this.#offset]
      if (byte === undefined) throw new RangeError(`varint cut short at byte ${this.#offset}`)
      this.#offset += 1
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 0x80
    }
    throw new RangeError(`varint longer than 8 bytes at byte ${this.#offset}`)
  }
}

/** Maps signed integers to unsigned ones for varints: 0, -1, 1, -2 → 0, 1, 2, 3. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2
}
