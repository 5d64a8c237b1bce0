declare module 'async-exit-hook' {
  interface AsyncExitHook {
    (hook: (done: () => void) => void): void;
    /** Removes the process listener the module installed for `event`. */
    unhookEvent(event: string): void;
    /** The process events the module currently listens to. */
    hookedEvents(): string[];
  }
  const exitHook: AsyncExitHook;
  export = exitHook;
}
