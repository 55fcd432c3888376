/** Settings of the TS 32.297 CDR file EI (`cdr-file-ei`): where files come from and what it takes. */
import { z } from 'zod';

export const cdrFileEiSettings = z.strictObject({
  inputDir: z.string().min(1),
  /** TS 32.297 file names carry no extension, so every file is taken unless a pattern narrows it. */
  pattern: z.string().min(1).default('*'),
  pollMs: z.number().int().min(10).max(60_000).default(500),
  /** A file is taken once left alone this long (ms, by its modification time); 0: at once. */
  settleMs: z.number().int().min(0).max(3_600_000).default(1000),
  /** CDRs handled per call: a larger file is taken in slices, resumable after a checkpoint. */
  cdrsPerSlice: z.number().int().min(1).max(100_000).default(1000),
  afterRead: z.enum(['move', 'delete']).default('move'),
  doneDir: z.string().min(1).optional(),
  /** Data record formats taken (1: ASN.1 BER, the one decoded); CDRs in others are quarantined. */
  acceptFormats: z
    .array(z.number().int().min(1).max(7))
    .min(1)
    .default(() => [1]),
});

export type CdrFileEiSettings = z.output<typeof cdrFileEiSettings>;
