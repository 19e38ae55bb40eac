// CommitGroup: the one promise every strict-mode append of a batch shares, settled when the batch
// is on disk (or failed), so an append allocates no closure or promise of its own.

const noop = (): void => {};

export class CommitGroup {
  readonly promise: Promise<void>;
  resolve: () => void = noop;
  reject: (err: Error) => void = noop;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Each strict append awaits the promise itself; this only keeps a group nobody awaits quiet.
    this.promise.catch(noop);
  }
}
