// One portal process serving the agent endpoints (the real route handlers), for the heartbeat
// bench to load and measure from outside. Prints its URL on stdout.
import { startAgentPortal } from '@/test/agent-portal';

const portal = await startAgentPortal();
console.log(portal.url);
process.on('SIGTERM', () => void portal.close().then(() => process.exit(0)));
