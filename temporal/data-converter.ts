import type { DataConverter, PayloadCodec } from '@temporalio/common';

/**
 * The one data converter of every Huiying client and worker: payloads pass through the encryption codec
 * (payload-codec.ts) on their way to and from Temporal, so citizens' data is never stored in the clear.
 */
export function dataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}
