import { desiredApplicationSchema, type DesiredApplication } from '@/agent/protocol';
import { keyRing } from './build-secrets';
import { decryptSecret, encryptSecret } from './cipher';

// How a node's desired applications are stored: applications.spec holds each sealed (its
// environment carries the build's secrets), bound to its node and name so a copied row does not open.
const specContext = (nodeId: string, name: string) => `applications.spec:${nodeId}/${name}`;

export function sealApplicationSpec(nodeId: string, spec: DesiredApplication, ring = keyRing()): string {
  return encryptSecret(ring, JSON.stringify(spec), specContext(nodeId, spec.name));
}

export function openApplicationSpec(nodeId: string, name: string, stored: string, ring = keyRing()): DesiredApplication {
  return desiredApplicationSchema.parse(JSON.parse(decryptSecret(ring, stored, specContext(nodeId, name))));
}
