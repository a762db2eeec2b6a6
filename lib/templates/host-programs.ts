import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

// Applications the local provider runs may need programs installed on this machine (Debian's
// jupyterhub, …). A plan looks them up before anything is created.

/** Full path of a program found on PATH, or null. Tests pass their own lookup to planBuild. */
export type FindProgram = (name: string) => string | null;

export function findProgramOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : pathVariable.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not there, or not executable: try the next folder
    }
  }
  return null;
}
