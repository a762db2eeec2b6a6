// Reading what the Docker Engine API answers: multiplexed logs and error statuses.

/**
 * Without a TTY (never here) Docker multiplexes stdout and stderr in frames: a byte for the
 * stream, three zero bytes, a big-endian length, then that many bytes.
 */
export function demuxFrames(raw: Buffer): { stream: number; data: Buffer }[] {
  const frames = [];
  for (let at = 0; at + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    frames.push({ stream: raw[at]!, data: raw.subarray(at + 8, at + 8 + size) });
    at += 8 + size;
  }
  return frames;
}

/** The log as text, stdout and stderr interleaved as written. */
export function demuxLog(raw: Buffer): string {
  return Buffer.concat(demuxFrames(raw).map((f) => f.data)).toString('utf8');
}

export function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number } | undefined)?.statusCode;
}

/** Awaits `action`, treating the given HTTP status (already so: 304 not modified, 404 gone) as done. */
export async function ignoring(status: number, action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (err) {
    if (statusOf(err) !== status) throw err;
  }
}
