// What tests use to drive engine parts without a run: a clock they move, a journal in memory,
// the context an injector gets. Not part of kdrill's product surface (harness/engine/index.ts).
export { FakeClock } from './fake-clock.js';
export { MemoryJournal } from './memory-journal.js';
export { testInjectContext } from './inject-context.js';
