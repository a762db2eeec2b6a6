// Validation of what clients send as an application, and of what the agent persisted.
import { z } from 'zod';

/** Application names become file names, so keep them to a safe alphabet. */
export const applicationNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const applicationDefinitionSchema = z.strictObject({
  command: z.array(z.string()).min(1),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  healthPath: z.string().startsWith('/').optional(),
});
