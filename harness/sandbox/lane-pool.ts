/**
 * The sandbox lanes of one qfc run (sandbox-lane.ts): at most one per concurrent case, each
 * reused from run to run while it stays clean, replaced when it does not.
 */
import { SandboxLane, type LaneOptions } from './sandbox-lane.js';

/** Every pool not yet closed: their lanes are killed if qfc exits without closing them. */
const open = new Set<LanePool>();
process.on('exit', () => {
  for (const pool of open) pool.kill();
});

export class LanePool {
  private readonly idle: SandboxLane[] = [];
  private readonly lanes = new Set<SandboxLane>();
  private closed = false;
  /** Lanes started (a replaced lane counts again): for the report and the tests. */
  started = 0;

  constructor(private readonly options: LaneOptions) {
    open.add(this);
  }

  /**
   * Run `body` in a lane whose sandbox is fresh; afterwards the sandbox is refreshed for the
   * next run. `cleanup` is null, or what the body's run left that could not be removed (its
   * lane is then closed), for a note on that run. `timed` wraps the refresh (for a benchmark).
   */
  async use<T>(body: (lane: SandboxLane) => Promise<T>, timed: <R>(work: () => R) => R = (work) => work()): Promise<{ value: T; cleanup: string | null }> {
    const lane = await this.acquire();
    let value: T;
    try {
      value = await body(lane);
    } catch (error) {
      this.retire(lane);
      throw error;
    }
    if (!lane.usable) return { value, cleanup: this.retire(lane) };
    const cleanup = timed(() => lane.refresh());
    if (cleanup === null && !this.closed) this.idle.push(lane);
    else this.retire(lane);
    return { value, cleanup };
  }

  /** End every lane and remove its sandbox; what could not be removed. */
  close(): string[] {
    this.closed = true;
    open.delete(this);
    const problems = [...this.lanes].map((lane) => this.retire(lane)).filter((problem): problem is string => problem !== null);
    this.idle.length = 0;
    return problems;
  }

  /** Kill every lane now (qfc is exiting); their directories go with the run's base. */
  kill(): void {
    for (const lane of this.lanes) lane.kill();
  }

  private async acquire(): Promise<SandboxLane> {
    if (this.closed) throw new Error('the sandbox lanes are closed');
    for (let lane = this.idle.pop(); lane !== undefined; lane = this.idle.pop()) {
      if (lane.usable) return lane;
      this.retire(lane);
    }
    const lane = new SandboxLane(this.options);
    this.lanes.add(lane);
    this.started += 1;
    if (await lane.ready()) return lane;
    const why = lane.why;
    this.retire(lane);
    throw new Error(`cannot start a sandbox lane${why === '' ? '' : `: ${why}`}`);
  }

  private retire(lane: SandboxLane): string | null {
    this.lanes.delete(lane);
    return lane.close();
  }
}
