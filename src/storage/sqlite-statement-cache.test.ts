import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "./sqlite-statement-cache.js";

function numbers() {
  const database = new BetterSqlite3(":memory:");
  database.exec("CREATE TABLE n (v INTEGER); INSERT INTO n VALUES (1), (2), (3);");
  return database;
}

describe("the SQLite statement cache", () => {
  it("hands out the same prepared statement for the same SQL, and it still answers", () => {
    const db = withStatementCache(numbers());
    const a = db.prepare("SELECT v FROM n WHERE v >= ?");
    const b = db.prepare("SELECT v FROM n WHERE v >= ?");
    expect(b).toBe(a);
    expect(b.all([2])).toEqual([{ v: 2 }, { v: 3 }]);
    db.close();
  });

  it("never hands out a statement that is still being iterated: a streamed query and a second use of its SQL both finish", () => {
    const db = withStatementCache(numbers());
    const sql = "SELECT v FROM n ORDER BY v";
    const streaming = db.prepare(sql).iterate([]);
    expect(streaming.next().value).toEqual({ v: 1 });
    const again = db.prepare(sql);
    expect(again.all([])).toHaveLength(3);
    expect([...streaming]).toEqual([{ v: 2 }, { v: 3 }]);
    db.close();
  });

  it("keeps at most its size, dropping the least recently used", () => {
    const db = withStatementCache(numbers(), 2);
    const first = db.prepare("SELECT 1");
    const second = db.prepare("SELECT 2");
    expect(db.prepare("SELECT 1")).toBe(first);
    db.prepare("SELECT 3"); // evicts SELECT 2, the least recently used
    expect(db.prepare("SELECT 1")).toBe(first);
    expect(db.prepare("SELECT 2")).not.toBe(second);
    db.close();
  });
});
