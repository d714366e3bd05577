import type { VerificationSpec } from '../scenario/schema/verifications.js';
import { amcheck } from './amcheck/verifier.js';
import { ledgerReadback } from './ledger-readback/verifier.js';
import { replicaConsistency } from './replica-consistency/verifier.js';
import { residency } from './residency/verifier.js';
import { restoreWritable } from './restore-writable/verifier.js';
import { retention } from './retention/verifier.js';
import { seededChecksum } from './seeded-checksum/verifier.js';
import type { Verifier } from './types.js';

// Every verifier kdrill can run, by the name the scenario language gives it.
export const VERIFIERS_AVAILABLE: Readonly<Record<VerificationSpec['verify'], Verifier>> = {
  'ledger-readback': ledgerReadback,
  'seeded-checksum': seededChecksum,
  amcheck,
  'replica-consistency': replicaConsistency,
  'restore-writable': restoreWritable,
  residency,
  retention,
};
