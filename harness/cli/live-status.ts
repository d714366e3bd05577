import { formatDuration } from '../model/duration.js';
import type { Journal, JournalEntry } from '../journal/index.js';
import type { LoadStats } from '../model/load.js';
import { terminalText } from './output.js';

// What the status line shows: where the run is, and what the load and the faults are doing.
export interface LiveState {
  phase?: string;
  step?: string; // "s3 lose-cluster"
  faults: Map<string, string>; // in effect: id → type
  load?: () => LoadStats;
}

// One line: "[ 2m21s] steps · s3 lose-cluster · 27,089 acked, 0 failed · fault: cluster-loss".
export function statusLine(state: LiveState, elapsedMs: number): string {
  const parts = [state.phase ?? 'starting'];
  if (state.step) parts.push(state.step);
  const stats = state.load?.();
  if (stats) parts.push(`${stats.acked.toLocaleString('en')} acked, ${(stats.failed + stats.inDoubt).toLocaleString('en')} failed`);
  if (state.faults.size) parts.push(`fault${state.faults.size === 1 ? '' : 's'}: ${[...state.faults.values()].join(', ')}`);
  return `[${formatDuration(Math.floor(elapsedMs / 1000) * 1000).padStart(6)}] ${parts.join(' · ')}`;
}

// Follows the journal's entries into the state.
export function follow(state: LiveState, e: JournalEntry, stepNames: ReadonlyMap<string, string>): void {
  if (e.kind === 'phase') {
    state.phase = e.phase;
    if (e.phase !== 'steps') delete state.step;
  } else if (e.kind === 'step-invoke') {
    const name = stepNames.get(e.step);
    state.step = `${e.step} ${name && name !== e.step ? name : e.op}`; // unnamed steps are called by their id
  } else if (e.kind === 'fault-armed') state.faults.set(e.fault, e.revert.type);
  else if (e.kind === 'fault-reverted' || e.kind === 'fault-revert-failed') state.faults.delete(e.fault);
}

/**
 * A status line at the bottom of a terminal, redrawn every second; progress lines print above
 * it. Only on a TTY: piped or in CI, the run prints its progress lines alone. What it shows is
 * passed through terminalText (secrets masked, control characters escaped) before it adds its
 * own codes (carriage return, erase line), so a step name cannot move the cursor or redraw.
 */
export class LiveStatus {
  readonly state: LiveState = { faults: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly stepNames: ReadonlyMap<string, string>,
    private readonly startedAt = performance.now(),
  ) {}

  // The journal, with every entry also followed here.
  watch(journal: Journal): Journal {
    return {
      path: journal.path,
      append: async (entry) => {
        await journal.append(entry);
        follow(this.state, entry, this.stepNames);
      },
    };
  }

  // A progress line above the status line.
  print(line: string): void {
    this.clear();
    this.stream.write(`${terminalText(line, { keepNewlines: true })}\n`);
    if (this.timer) this.draw();
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), 1_000);
    this.timer.unref();
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw(): void {
    const width = this.stream.columns || 100;
    const line = terminalText(statusLine(this.state, performance.now() - this.startedAt));
    this.stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    this.shown = true;
  }

  private clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
