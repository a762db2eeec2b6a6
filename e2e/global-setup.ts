import path from 'node:path';
import { stopAgentsUnder } from '../test/stray-agents';

// A run that failed half-way may have left node agents behind (they outlive the portal by design).
// Stop them so this run starts from a machine with no e2e nodes.
export default function globalSetup() {
  stopAgentsUnder(path.resolve('e2e/output'));
}
