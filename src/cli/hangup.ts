// SIGHUP: the signal operators send to make a running switch reread what it reopens (its log file,
// its TLS certificates). One listener on the process; each reloader registers here.

const reloaders = new Set<() => void>();
let isListening = false;

/** Calls `reload` on every SIGHUP until the function returned is called. */
export function onHangup(reload: () => void): () => void {
  reloaders.add(reload);
  if (!isListening) {
    isListening = true;
    process.on('SIGHUP', () => {
      for (const r of [...reloaders]) r();
    });
  }
  return () => {
    reloaders.delete(reload);
  };
}
