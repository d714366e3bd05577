import type { Clock, MonoTime, SleepOptions } from '../model/time.js';

interface Sleeper {
  readonly deadline: number;
  readonly seq: number;
  readonly unref: boolean;
  readonly resolve: () => void;
}

// A clock for tests. Manual mode: time moves only through advance(). Auto mode: whenever the
// program is idle (no microtask left, no file-system request in flight, so a FileJournal's
// fsync finishes first) and a sleep is pending, jump to the earliest deadline, so whole drills
// run instantly. Other I/O (sockets, child processes) is not waited for.
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly sleepers = new Set<Sleeper>();
  private autoScheduled = false;
  private readonly auto: boolean;

  constructor(options: { auto?: boolean; start?: MonoTime } = {}) {
    this.current = options.start ?? 0;
    this.auto = options.auto ?? false;
  }

  now(): MonoTime {
    return this.current;
  }

  // Number of sleeps not yet resolved or aborted.
  get pending(): number {
    return this.sleepers.size;
  }

  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        deadline: this.current + ms,
        seq: this.seq++,
        unref: options?.unref ?? false,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers.delete(sleeper);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      this.scheduleAuto();
    });
  }

  // Moves time forward by `ms`, waking sleepers in deadline order and letting each one's
  // continuation run (and schedule new sleeps) before moving on.
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.deadline > target) break;
      this.wake(next);
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  // Lets pending continuations run without moving time.
  async flush(): Promise<void> {
    await settle();
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (!best || s.deadline < best.deadline || (s.deadline === best.deadline && s.seq < best.seq)) best = s;
    }
    return best;
  }

  private wake(sleeper: Sleeper): void {
    this.sleepers.delete(sleeper);
    this.current = Math.max(this.current, sleeper.deadline);
    sleeper.resolve();
  }

  private scheduleAuto(): void {
    if (!this.auto || this.autoScheduled) return;
    this.autoScheduled = true;
    setImmediate(() => {
      this.autoScheduled = false;
      if (![...this.sleepers].some((s) => !s.unref)) return;
      if (fileSystemBusy()) return this.scheduleAuto();
      const next = this.earliest();
      if (next) this.wake(next);
      if (this.sleepers.size > 0) this.scheduleAuto();
    });
  }
}

// A file-system request is in flight (a journal write or fsync): time must not jump under it.
function fileSystemBusy(): boolean {
  return process.getActiveResourcesInfo().some((name) => name.startsWith('FSReq'));
}

// One macrotask turn: every promise continuation queued so far has run.
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
