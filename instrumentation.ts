// Runs once when the portal's server starts.
export async function register(): Promise<void> {
  // Imported only in the Node.js runtime: the Edge runtime has no process.exit.
  if (process.env.NEXT_RUNTIME === 'nodejs') (await import('@/lib/process-guards')).exitOnUnhandledErrors('[portal]', { exitOnRejection: false });
}
