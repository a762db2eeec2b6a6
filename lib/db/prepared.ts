// A hot read as one named prepared statement: its text is rendered once from a drizzle template (so
// table and column names come from the schema), and PostgreSQL parses and plans it once per
// connection. Drizzle's builder costs more per call than the query itself on reads made many
// times a second (a unit group's page, an API token on every call).
import type { QueryResultRow } from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { PooledDatabase } from './client';

const dialect = new PgDialect({ casing: 'snake_case' });

export interface PreparedStatement<Row extends QueryResultRow> {
  name: string;
  text: string;
  run: (db: PooledDatabase, values: unknown[]) => Promise<Row[]>;
}

/** `template` takes its values as `sql.placeholder`s, numbered in order of appearance. */
export function preparedStatement<Row extends QueryResultRow>(name: string, template: SQL): PreparedStatement<Row> {
  const text = dialect.sqlToQuery(template).sql;
  return { name, text, run: async (db, values) => (await db.$client.query<Row>({ name, text, values })).rows };
}
