// The runner's concurrency limit: a counting semaphore the source waits on, so no more
// records are read than the free request slots can carry (invariant 3).
/** A counting semaphore: the source is not read while every slot is busy. */
export class Slots {
  private free: number;
  private waiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly total: number;
  constructor(n: number) {
    this.free = n;
    this.total = n;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else {
      this.free++;
      if (this.free === this.total) for (const w of this.idleWaiters.splice(0)) w();
    }
  }
  idle(): Promise<void> {
    if (this.free === this.total) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
