/**
 * How a browser run's artifacts (screenshots, the trace, the console log) travel from
 * a probe to the hub: in chunks over MQTT, on their own topics, apart from results, so
 * that they never hold a result back and need no credentials besides the probe's own.
 *
 * | topic                        | direction    | payload                                     |
 * |------------------------------|--------------|---------------------------------------------|
 * | artifacts/{id}               | probe → hub  | a chunk: header length, JSON header, bytes  |
 * | probes/{id}/artifact-acks    | hub → probe  | ArtifactAck (JSON)                          |
 *
 * A chunk names its file (result id and name), the file's size and SHA-256, and where
 * the chunk starts. The hub keeps a partial file on disk and answers each chunk with how
 * many bytes of the file it holds (`received`), so the probe goes on from there: after a
 * hub restart, a lost chunk or a duplicate, the transfer resumes where the hub is. The
 * last chunk is acked `done` once the hub has checked the hash and stored the file.
 */
import { z } from 'zod'
import { ARTIFACT_NAME, ARTIFACT_TYPES } from './browser/browser-result.ts'
import { checkStatusSchema } from './result.ts'

/** Bytes of file per chunk: small enough not to hold results back on a slow link. */
export const ARTIFACT_CHUNK_BYTES = 256 * 1024
/** A header is a few hundred bytes; more is not one. */
const MAX_HEADER_BYTES = 4_096
/** A result id is a ULID. */
const RESULT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/

export const artifactChunkHeaderSchema = z.strictObject({
  resultId: z.string().regex(RESULT_ID),
  checkId: z.string().min(1).max(100),
  name: z.string().regex(ARTIFACT_NAME),
  type: z.enum(ARTIFACT_TYPES),
  /** The whole file's size and SHA-256 (hex). */
  size: z.int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where this chunk's bytes start in the file. */
  offset: z.int().nonnegative(),
  /** When the run started (epoch ms): the hub's retention counts from it. */
  createdAt: z.int().nonnegative(),
  /** The run's verdict, which the artifacts are evidence of. */
  status: checkStatusSchema,
  errorCode: z.string().max(64).optional(),
})
export type ArtifactChunkHeader = z.infer<typeof artifactChunkHeaderSchema>

export const artifactAckSchema = z.strictObject({
  resultId: z.string(),
  name: z.string(),
  /** Bytes of the file the hub holds: the next chunk starts here. */
  received: z.int().nonnegative(),
  /** The file is stored (or was already): the probe may delete it. */
  done: z.boolean().default(false),
  /** The hub will not take it (too large, unknown check, ...): the probe deletes it. */
  refused: z.string().optional(),
})
export type ArtifactAck = z.infer<typeof artifactAckSchema>

/** A chunk as it goes on the wire: 4-byte header length (big-endian), the header, the bytes. */
export function encodeArtifactChunk(header: ArtifactChunkHeader, bytes: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(head.length)
  return Buffer.concat([length, head, bytes])
}

export type DecodedChunk =
  { ok: true; header: ArtifactChunkHeader; bytes: Buffer } | { ok: false; reason: string }

/** Reads a chunk; never throws. */
export function decodeArtifactChunk(payload: Buffer): DecodedChunk {
  if (payload.length < 4) return { ok: false, reason: 'shorter than its length prefix' }
  const length = payload.readUInt32BE(0)
  if (length > MAX_HEADER_BYTES || 4 + length > payload.length) {
    return { ok: false, reason: `header length ${length} does not fit the message` }
  }
  let json: unknown
  try {
    json = JSON.parse(payload.subarray(4, 4 + length).toString('utf8'))
  } catch (error) {
    return { ok: false, reason: `header is not JSON: ${(error as Error).message}` }
  }
  const header = artifactChunkHeaderSchema.safeParse(json)
  if (!header.success) return { ok: false, reason: z.prettifyError(header.error) }
  const bytes = payload.subarray(4 + length)
  if (header.data.offset + bytes.length > header.data.size) {
    return { ok: false, reason: 'the chunk goes past the end of its file' }
  }
  return { ok: true, header: header.data, bytes }
}
