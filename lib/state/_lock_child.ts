// Child process for replay_test.ts: holds a write lock on a database for some milliseconds (args: path, ms).
import { openStateDb, transaction } from "./db.ts";

const [path, ms] = Deno.args;
const db = openStateDb(path);
transaction(db, "hold a lock on", () => {
  db.db.exec("INSERT INTO events VALUES ('lock', 'child', 0, 'lock', 0, NULL)");
  console.log("locked");
  const until = Date.now() + Number(ms);
  while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
});
db.db.close();
