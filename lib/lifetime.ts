// The safety net for callers who forget dispose(): when a wrapper is collected, its
// native object is disposed. Native dispose is idempotent, so explicit dispose
// followed by collection never frees twice.
interface Disposable {
  dispose(): void;
}

const registry = new FinalizationRegistry<Disposable>((native) => {
  try {
    native.dispose();
  } catch {
    // Finalizers must not throw; a failed free has nowhere to be reported.
  }
});

export function track(owner: object, native: Disposable): void {
  registry.register(owner, native, owner);
}

export function untrack(owner: object): void {
  registry.unregister(owner);
}

export const disposeSymbol: typeof Symbol.dispose =
  (Symbol as { dispose?: typeof Symbol.dispose }).dispose ?? (Symbol.for('nodejs.dispose') as typeof Symbol.dispose);
