/**
 * Results as the entries the writer journals and folds (result-blocks.ts), encoded on
 * the thread that parsed them and hands out name codes (the hub's main thread).
 */
import type { CheckResult } from '../../checks/result.ts'
import { isHostKind } from '../../checks/spec.ts'
import { HOST_SERIES, IN_MAINTENANCE, writeCheckEntry } from './result-blocks.ts'
import { ByteWriter, encodeBody, idKey, STATUS_CODE } from './result-codec.ts'
import type { ResultNames } from './result-names.ts'

const bodyWriter = new ByteWriter()

/**
 * Results as journal entries, on the connection that hands out name codes (the caller
 * then writes `names.unpersisted()` with them). `maintenance(i)` flags result i as
 * measured inside a maintenance window.
 */
export function encodeBatch(
  results: readonly CheckResult[],
  names: ResultNames,
  maintenance: (i: number) => boolean = () => false,
  out = new ByteWriter(),
): Uint8Array {
  out.reset()
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!
    const status = STATUS_CODE[result.status]
    if (status === undefined)
      throw new RangeError(`unknown status "${result.status}" of ${result.id}`)
    encodeBody(result, names.intern, bodyWriter)
    writeCheckEntry(out, names.code(result.checkId), {
      scheduledAt: result.scheduledAt,
      id: idKey(result.id),
      region: names.code(result.region),
      probe: names.code(result.probeId),
      status,
      flags: (isHostKind(result.kind) ? HOST_SERIES : 0) | (maintenance(i) ? IN_MAINTENANCE : 0),
      body: bodyWriter.bytes.subarray(0, bodyWriter.length),
    })
  }
  return out.take()
}
