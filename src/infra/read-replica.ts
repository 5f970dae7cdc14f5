// Reads on a streaming replica (DATABASE_READ_URL), writes on the primary, and read-your-own-
// writes: after a caller changes something, its reads go to the primary until the replica has
// replayed past that change. The change's position is the primary's WAL LSN right after the
// write; it is remembered per API key in this process and also handed to the caller
// (`Rivalwatch-Write-Lsn` header, and a cookie for console sessions), so a read that lands on
// another API process still knows what it must see (`Rivalwatch-Min-Lsn`, or the cookie).
import type { Database } from "../../db/client.ts";
import type { Logger } from "../log.ts";

/** `16/B374D848` → a comparable number. */
export function parseLsn(lsn: string): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  return m ? (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`) : null;
}

/** The furthest of some WAL positions (null: none known). */
export function latestLsn(...lsns: (bigint | null | undefined)[]): bigint | null {
  return lsns.reduce<bigint | null>((a, b) => (b == null ? a : a === null || b > a ? b : a), null);
}

/** How long a caller's last write is remembered here: longer than any lag worth reading through. */
const REMEMBER_MS = 5 * 60_000;
/** The replica's replay position is read at most this often per process. */
const REPLAY_POSITION_TTL_MS = 100;
const MAX_CALLERS = 10_000;

export class ReadRouter {
  private readonly lastWrite = new Map<string, { lsn: bigint; at: number }>();
  private replay: { lsn: bigint | null; at: number; pending?: Promise<bigint | null> } = { lsn: null, at: 0 };

  constructor(
    readonly primary: Database,
    readonly replica: Database,
    private readonly log: Logger,
  ) {}

  /** Where a read for this caller goes: the replica when it has replayed `minLsn` (and answers), else the primary. */
  async readerFor(input: { caller?: string; minLsn?: bigint | null }): Promise<Database> {
    const remembered = input.caller ? this.lastWrite.get(input.caller) : undefined;
    const mustSee = latestLsn(remembered && Date.now() - remembered.at < REMEMBER_MS ? remembered.lsn : null, input.minLsn);
    const replayed = await this.replayPosition();
    if (replayed === null) return this.primary; // unreachable, or not a replica
    if (mustSee !== null && replayed < mustSee) return this.primary;
    return this.replica;
  }

  /** Called after a caller's write committed: the position its later reads must see. */
  async noteWrite(caller: string): Promise<string> {
    const [row] = await this.primary.sql<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
    const lsn = row!.lsn;
    if (this.lastWrite.size >= MAX_CALLERS) this.lastWrite.delete(this.lastWrite.keys().next().value!);
    this.lastWrite.delete(caller);
    this.lastWrite.set(caller, { lsn: parseLsn(lsn)!, at: Date.now() });
    return lsn;
  }

  private async replayPosition(): Promise<bigint | null> {
    if (Date.now() - this.replay.at < REPLAY_POSITION_TTL_MS) return this.replay.lsn;
    this.replay.pending ??= this.replica.sql<{ lsn: string | null }[]>`select pg_last_wal_replay_lsn()::text as lsn`
      .then(([row]) => (row?.lsn ? parseLsn(row.lsn) : null))
      .catch((err: unknown) => {
        this.log.warn("read replica unreachable; reading from the primary", { err: err instanceof Error ? err.message : String(err) });
        return null;
      })
      .then((lsn) => {
        this.replay = { lsn, at: Date.now() };
        return lsn;
      });
    return this.replay.pending;
  }
}
