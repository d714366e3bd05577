import type { BackupInventory } from '../backends/types.js';
import type { Endpoints } from '../model/endpoints.js';
import type { ResolvedTargets } from '../scenario/plan-types.js';
import type { DbTarget } from '../db/target.js';
import type { Ledger } from '../load/ledger/ledger.js';
import type { VerificationSpec } from '../scenario/schema/verifications.js';
import type { ReadbackResult } from './ledger-readback/read.js';

export type Verdict = 'pass' | 'fail' | 'unknown';

// What a verifier found: a verdict, one line a person reads, and the facts behind it (JSON).
export interface Evidence {
  readonly verdict: Verdict;
  readonly summary: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface VerifyContext {
  readonly target: DbTarget; // the read-write endpoint
  readonly endpoints: Endpoints;
  readonly ledger?: Ledger;
  // The ledger table as read back once after recovery; shared by the verifiers and RPO.
  readonly readback?: ReadbackResult;
  // What `prepare` returned for this verifier (the seeded dataset's checksum…), from the journal.
  readonly prepared?: unknown;
  // Set when the run restored a backup: `target` is then the restored instance, and the
  // read-back is judged against its recovery point.
  readonly restore?: RestoreFindings;
  // The backup repository and every copy of the data (residency, retention), and the tier's
  // targets they are judged against.
  readonly inventory?: BackupInventory;
  readonly targets?: Pick<ResolvedTargets, 'rpoMs' | 'retentionMs' | 'allowedRegions'>;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

export interface RestoreFindings {
  // A scratch instance beside the cluster, or the whole cluster rebuilt after its loss.
  readonly into: 'scratch-instance' | 'fresh-cluster';
  readonly instance: string; // the scratch instance's name, or "the rebuilt cluster"
  readonly target: string; // "latest" or the time recovery stopped before
  readonly failureAt: number; // writes acknowledged later were never the restore's to hold
  // Acknowledged writes missing although a later write is present, and writes sent after a
  // point-in-time target that are present anyway: a restore that is not a clean prefix.
  readonly holes: { readonly count: number; readonly ids: readonly number[] };
  readonly overshoot: { readonly count: number; readonly ids: readonly number[] };
  readonly recoveryPointId?: number;
}

export interface PrepareContext {
  readonly target: DbTarget;
  readonly seedRows: number; // workload.seed.rows
  readonly log: (line: string) => void;
}

export interface Verifier {
  readonly name: VerificationSpec['verify'];
  // Runs before the warm-up (for example, seeds a dataset); what it returns is journalled.
  prepare?(ctx: PrepareContext): Promise<Readonly<Record<string, unknown>>>;
  verify(ctx: VerifyContext): Promise<Evidence>;
}

export const evidence = (verdict: Verdict, summary: string, details?: Record<string, unknown>): Evidence => ({ verdict, summary, ...(details ? { details } : {}) });
