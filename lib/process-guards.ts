/**
 * A failure nothing handled leaves a process in an unknown state: log it and exit non-zero, so
 * its supervisor (the launcher, systemd) starts a fresh one, which resumes the work from PostgreSQL.
 * In the portal an unhandled rejection is only logged: Next.js leaves some promises of abandoned
 * renders unawaited on purpose, and those must not take every signed-in user's page down.
 */
export function exitOnUnhandledErrors(tag: string, { exitOnRejection = true } = {}): void {
  process.on('unhandledRejection', (reason) => {
    console.error(`${tag} unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    if (exitOnRejection) process.exit(70);
  });
  process.on('uncaughtException', (e) => {
    console.error(`${tag} uncaught exception: ${e.stack ?? e.message}`);
    process.exit(70);
  });
}
