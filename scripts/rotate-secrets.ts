// npm run secrets:rotate — re-seals every stored secret with OCS_SECRET_KEY. Run it with the
// worker's environment (DATABASE_URL, REDIS_URL), the new key as OCS_SECRET_KEY and the old ones
// as OCS_SECRET_KEY_PREVIOUS; once it reports nothing unreadable, the old keys can go.
import { closeDb, db } from '@/lib/db/client';
import { reencryptSecrets, unreadableRecord } from '@/lib/secrets/reencrypt';

async function main(): Promise<number> {
  const { resealed, unreadable } = await reencryptSecrets(db());
  console.log(`Re-sealed ${resealed} stored secret(s) (builds, organization SSH keys) with OCS_SECRET_KEY.`);
  for (const u of unreadable) console.error(`${unreadableRecord(u)}: ${u.reason}`);
  if (unreadable.length) console.error(`${unreadable.length} record(s) could not be opened: add the key that sealed them to OCS_SECRET_KEY_PREVIOUS and run again.`);
  return unreadable.length ? 1 : 0;
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    await closeDb();
    process.exit(1);
  });
