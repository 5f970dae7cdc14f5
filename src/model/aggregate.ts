/**
 * Collapse identical (x, t_x, T) rows into weighted unique rows.
 *
 * The BG/NBD likelihood and predictions depend on a customer only through (x, t_x, T), and with
 * daily data many customers share a triple (all one-time buyers of a given first-purchase day, for
 * a start), so fitting on the unique rows with weights is exact and much cheaper. An
 * open-addressing hash table on the raw IEEE-754 bits keeps this O(n) with no string keys.
 */

export interface AggregatedRfm {
  /** Unique rows. */
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many input rows (or how much input weight) each unique row stands for. */
  weight: Float64Array;
  /** Number of unique rows (the arrays above are exactly this long). */
  size: number;
  /** For each input row, the index of its unique row. */
  rowToUnique: Int32Array;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mixDouble(h: number, v: number): number {
  f64[0] = v + 0; // + 0 folds −0 into +0
  h = Math.imul(h ^ u32[0]!, 0x85ebca6b);
  h = (h << 13) | (h >>> 19);
  h = Math.imul(h ^ u32[1]!, 0xc2b2ae35);
  return (h << 13) | (h >>> 19);
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function aggregateRfm(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  weights?: ArrayLike<number>,
): AggregatedRfm {
  const n = x.length;
  if (tx.length !== n || T.length !== n || (weights && weights.length !== n)) {
    throw new Error("aggregateRfm: x, tx, T (and weights) must have the same length");
  }
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  // Unique rows are appended in first-seen order; grow lazily.
  let ux: Float64Array = new Float64Array(Math.min(n, 1024) || 1);
  let utx: Float64Array = new Float64Array(ux.length);
  let uT: Float64Array = new Float64Array(ux.length);
  let uw: Float64Array = new Float64Array(ux.length);
  let size = 0;
  const rowToUnique = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i]! + 0;
    const ti = tx[i]! + 0;
    const Ti = T[i]! + 0;
    let slot = finish(mixDouble(mixDouble(mixDouble(0x9747b28c, xi), ti), Ti)) & mask;
    let u: number;
    for (;;) {
      u = slots[slot]!;
      if (u < 0) {
        if (size === ux.length) {
          const len = Math.min(n, ux.length * 2);
          ux = grow(ux, len);
          utx = grow(utx, len);
          uT = grow(uT, len);
          uw = grow(uw, len);
        }
        u = size++;
        slots[slot] = u;
        ux[u] = xi;
        utx[u] = ti;
        uT[u] = Ti;
        break;
      }
      if (ux[u] === xi && utx[u] === ti && uT[u] === Ti) break;
      slot = (slot + 1) & mask;
    }
    uw[u] = uw[u]! + (weights ? weights[i]! : 1);
    rowToUnique[i] = u;
  }
  return {
    x: ux.subarray(0, size),
    tx: utx.subarray(0, size),
    T: uT.subarray(0, size),
    weight: uw.subarray(0, size),
    size,
    rowToUnique,
  };
}

function grow(a: Float64Array, len: number): Float64Array {
  const b = new Float64Array(len);
  b.set(a);
  return b;
}
