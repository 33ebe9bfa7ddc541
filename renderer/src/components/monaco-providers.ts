// Monaco's language providers are global to the page: each feature registers its own once, and keeps the
// disposables Monaco returns, so a hot reload (or the workbench's teardown) can drop them and a fresh
// registration can take their place instead of piling up beside them.
import { DisposableStore, type IDisposable } from "../base";

const live = new Set<MonacoProviders>();

/** One feature's providers, registered at most once until disposed. */
export class MonacoProviders implements IDisposable {
  #registered: DisposableStore | null = null;

  /** Runs `register` unless its providers are live already; keeps the disposables it returns. */
  registerOnce(register: () => IDisposable[]): void {
    if (this.#registered !== null) return;
    const store = new DisposableStore();
    this.#registered = store;
    live.add(this);
    for (const disposable of register()) store.add(disposable);
  }

  get isRegistered(): boolean {
    return this.#registered !== null;
  }

  dispose(): void {
    const store = this.#registered;
    this.#registered = null;
    live.delete(this);
    store?.dispose();
  }
}

/** Drops every feature's providers (the workbench's teardown); the next registerOnce registers afresh. */
export function disposeMonacoProviders(): void {
  for (const providers of [...live]) providers.dispose();
}
