/** What the RADIUS ingest decoded of each logged request, for the handler in the same thread. */
import type { AccountingRequest } from '../../../../protocols/radius/index.js';
import { DecodedCache } from '../datagram/decoded-cache.js';

export const decodedCache = new DecodedCache<AccountingRequest>();
