// Child process for replay_test.ts: replays the fixture into a database (args: db path, bars, seed).
import { closeStateDb, openStateDb } from "./db.ts";
import { replay } from "./replay.ts";
import { _fixture } from "./_fixture.ts";

const [path, n, seed] = Deno.args;
const db = openStateDb(path);
replay({ ..._fixture(Number(n), Number(seed)), db, runId: "run", strategy: "perp" });
closeStateDb(db);
