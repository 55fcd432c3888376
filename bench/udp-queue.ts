/**
 * The receive queue of a UDP socket sampled while a load runs: the peak bytes the kernel counted
 * against the socket's receive buffer (`/proc/net/udp` rx_queue, with its per-datagram overhead).
 * Set beside the granted buffer, it tells how close a run came to kernel drops.
 */
import { kernelSocketState } from '../src/actors/nodes/ei/datagram/udp.js';

const SAMPLE_MS = 5;

export async function udpQueuePeakDuring<T>(
  port: number,
  body: () => Promise<T>,
): Promise<{ result: T; peakQueuedBytes: number | undefined }> {
  let peak: number | undefined;
  let stop = false;
  const sampling = (async () => {
    while (!stop) {
      const s = await kernelSocketState('/proc/net/udp', port);
      if (s !== undefined) peak = Math.max(peak ?? 0, s.queuedBytes);
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  try {
    return { result: await body(), peakQueuedBytes: peak };
  } finally {
    stop = true;
    await sampling;
  }
}
