import { inject } from 'vitest';

// Each test file sees the services the global setup started.
Object.assign(process.env, inject('testEnv'));
