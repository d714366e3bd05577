// The journal: every fact of a run, one fsynced JSON line each, and the single source every
// report is recomputed from. Its entries (entries.ts), their schema (schema.ts), the file.
export {
  FileJournal,
  parseJournal,
  readJournal,
  RUN_STATUSES,
  stampedJournal,
  teeJournal,
  type EntryOf,
  type Journal,
  type JournalEntry,
  type JournalEntryKind,
  type ReadJournal,
  type RevertReason,
  type RunStatus,
  type UnstampedEntry,
} from './journal.js';
