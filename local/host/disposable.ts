import type { Disposable as DisposableLike } from './core-types';

/** The VS Code style Disposable that `@azure/functions-core` exposes (worker src/Disposable.ts). */
export class Disposable implements DisposableLike {
  static from(...disposables: DisposableLike[]): Disposable {
    let pending: DisposableLike[] | undefined = disposables;
    return new Disposable(() => {
      for (const disposable of pending ?? []) disposable.dispose();
      pending = undefined;
    });
  }

  #onDispose: (() => unknown) | undefined;

  constructor(onDispose: () => unknown) {
    this.#onDispose = onDispose;
  }

  dispose(): unknown {
    const onDispose = this.#onDispose;
    this.#onDispose = undefined;
    return onDispose?.();
  }
}
