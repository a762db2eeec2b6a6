import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueRelayTicket, relaySecret, verifyRelayTicket } from './relay-ticket';

const key = randomBytes(32).toString('base64');
const secret = relaySecret(key);
const claims = { nodeId: randomUUID(), unitGroupId: randomUUID(), expiresAt: new Date(Math.ceil(Date.now() / 1000) * 1000 + 3600_000) };

describe('relay tickets', () => {
  it('say who holds them, as text and as the bytes a REGISTER carries', () => {
    const ticket = issueRelayTicket(secret, claims);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyRelayTicket(secret, ticket)).toEqual(claims);
    expect(verifyRelayTicket(secret, Buffer.from(ticket, 'base64url'))).toEqual(claims);
  });

  it('agree between two processes that share OCS_SECRET_KEY (also written base64url), and are not the key itself', () => {
    const ticket = issueRelayTicket(relaySecret(key), claims);
    expect(verifyRelayTicket(relaySecret(Buffer.from(key, 'base64').toString('base64url')), ticket)).toEqual(claims);
    expect(secret.equals(Buffer.from(key, 'base64'))).toBe(false);
    expect(() => relaySecret('c2hvcnQ=')).toThrow(/OCS_SECRET_KEY decodes to 5 bytes/);
  });

  it('are refused when any byte was changed', () => {
    const bytes = Buffer.from(issueRelayTicket(secret, claims), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i]! ^= 0x01;
      expect(verifyRelayTicket(secret, tampered), `byte ${i}`).toBeNull();
    }
    expect(verifyRelayTicket(secret, bytes.subarray(0, -1))).toBeNull();
    expect(verifyRelayTicket(secret, Buffer.concat([bytes, Buffer.of(0)]))).toBeNull();
    expect(verifyRelayTicket(secret, '')).toBeNull();
  });

  it('are refused once expired', () => {
    const ticket = issueRelayTicket(secret, claims);
    expect(verifyRelayTicket(secret, ticket, new Date(claims.expiresAt.getTime() - 1000))).toEqual(claims);
    expect(verifyRelayTicket(secret, ticket, claims.expiresAt)).toBeNull();
    expect(verifyRelayTicket(secret, issueRelayTicket(secret, { ...claims, expiresAt: new Date(Date.now() - 1000) }))).toBeNull();
  });

  it('are refused under another secret', () => {
    const ticket = issueRelayTicket(relaySecret(randomBytes(32).toString('base64')), claims);
    expect(verifyRelayTicket(secret, ticket)).toBeNull();
  });

  it('are only issued for UUIDs and a time a uint32 holds', () => {
    expect(() => issueRelayTicket(secret, { ...claims, nodeId: 'node-1' })).toThrow(/not a UUID/);
    expect(() => issueRelayTicket(secret, { ...claims, expiresAt: new Date('2200-01-01') })).toThrow(/cannot expire/);
  });
});
