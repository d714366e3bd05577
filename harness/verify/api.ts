import type { VerificationSpec } from '../scenario/schema/verifications.js';
import { amcheck } from './amcheck/verifier.js';
import { ledgerReadback } from './ledger-readback/verifier.js';
import { replicaConsistency } from './replica-consistency/verifier.js';
import { restoreWritable } from './restore-writable/verifier.js';
import { seededChecksum } from './seeded-checksum/verifier.js';
import type { Verifier } from './types.js';

// Every verifier kdrill can run. The others the language names (residency, retention) judge
// where backups live and how long they are kept; until they arrive they report `unknown`.
export const VERIFIERS_AVAILABLE: Partial<Record<VerificationSpec['verify'], Verifier>> = {
  'ledger-readback': ledgerReadback,
  'seeded-checksum': seededChecksum,
  amcheck,
  'replica-consistency': replicaConsistency,
  'restore-writable': restoreWritable,
};
