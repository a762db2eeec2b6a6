/**
 * A failure nothing handled leaves a process in an unknown state: log it and exit non-zero, so
 * its supervisor (the launcher, systemd) starts a fresh one, which resumes the work from PostgreSQL.
 */
export function exitOnUnhandledErrors(tag: string): void {
  process.on('unhandledRejection', (reason) => {
    console.error(`${tag} unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    process.exit(70);
  });
  process.on('uncaughtException', (e) => {
    console.error(`${tag} uncaught exception: ${e.stack ?? e.message}`);
    process.exit(70);
  });
}
