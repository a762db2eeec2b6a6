// Runs once when the portal's server starts. A failure nothing handled leaves the server in an
// unknown state: log it and exit non-zero, so the launcher (or systemd) starts a fresh portal.
export function register(): void {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  process.on('unhandledRejection', (reason) => {
    console.error(`[portal] unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    process.exit(70);
  });
  process.on('uncaughtException', (e) => {
    console.error(`[portal] uncaught exception: ${e.stack ?? e.message}`);
    process.exit(70);
  });
}
