-- What an API token authenticates as (lib/tokens/authenticate.ts) is cached by the portal process
-- (lib/tokens/token-cache.ts): a commit that changes any part of it notifies ocs_auth_change, and
-- every portal process forgets what it cached. last_used_at and last_sign_in_at change nothing of it.
CREATE FUNCTION ocs_notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ocs_auth_change', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER api_tokens_auth_change AFTER UPDATE OF secret_hash, organization_id, user_id, role, expires_at, revoked_at OR DELETE OR TRUNCATE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION ocs_notify_auth_change();
--> statement-breakpoint
CREATE TRIGGER memberships_auth_change AFTER UPDATE OR DELETE OR TRUNCATE ON memberships
  FOR EACH STATEMENT EXECUTE FUNCTION ocs_notify_auth_change();
--> statement-breakpoint
CREATE TRIGGER organizations_auth_change AFTER UPDATE OF name, state OR DELETE OR TRUNCATE ON organizations
  FOR EACH STATEMENT EXECUTE FUNCTION ocs_notify_auth_change();
--> statement-breakpoint
CREATE TRIGGER users_auth_change AFTER UPDATE OF email, name, name_ja OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION ocs_notify_auth_change();
