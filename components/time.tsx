'use client';
import { useEffect, useState } from 'react';

/** Re-renders every second, for uptimes and durations that tick. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h ${m}m ${sec}s` : m ? `${m}m ${sec}s` : `${sec}s`;
}

export function formatTime(iso: string | null | undefined, locale: string): string {
  return iso ? new Date(iso).toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB') : '—';
}
