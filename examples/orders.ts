// SQL in application code is linted too: node-postgres, postgres.js, Prisma, Knex, Kysely, Drizzle…
import pg from "pg";

const pool = new pg.Pool();

// Meant to cancel one customer's open orders: the WHERE was lost in a refactor.
export async function cancelOpenOrders(customerId: number): Promise<void> {
  await pool.query("UPDATE orders SET status = 'cancelled'");
  void customerId;
}

// Fine: the rows are named, and the value travels as a parameter.
export async function deleteOrder(id: number): Promise<void> {
  await pool.query("DELETE FROM orders WHERE id = $1", [id]);
}
