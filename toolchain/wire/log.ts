// Owns the stand-alone servers' log (dist/debug-adapter.js, dist/language-server.js): one
// line per problem on stderr. A stderr whose reader is gone has nobody to tell: its lines
// are dropped (the EPIPE is not an unhandled 'error' that would end the server) and the
// server goes on answering.

/** The process's stderr as a log sink; writes to a gone stderr are dropped. */
export function stderrLog(): (line: string) => void {
  if (!process.stderr.listeners('error').includes(dropLine)) process.stderr.on('error', dropLine);
  return (line) => void process.stderr.write(`${line}\n`);
}

function dropLine(): void {
  // A line nobody can read is dropped.
}
