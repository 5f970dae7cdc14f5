import { describe, it, expect } from "vitest";
import { buildSummary } from "../../src/model/summary.ts";
import { parseTransactions } from "../../src/model/cdnow.ts";
import { fitBgNbd } from "../../src/model/bgnbd.ts";
import { publishedSummary, readCdnow } from "./data.ts";

describe("summary built from CDNOW_sample.txt", () => {
  const tx = parseTransactions(readCdnow("CDNOW_sample.txt"), "cdnow-sample");
  const own = buildSummary(tx, { calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30" });
  const pub = publishedSummary();

  it("has the published file's customers in the same order", () => {
    expect(own.size).toBe(2357);
    expect(own.ids).toEqual(pub.ids);
  });

  it("matches the published x exactly and t_x, T, z̄ to the published rounding", () => {
    let worst = 0;
    for (let i = 0; i < own.size; i++) {
      expect(own.x[i]).toBe(pub.x[i]);
      worst = Math.max(
        worst,
        Math.abs(own.tx[i]! - pub.tx[i]!),
        Math.abs(own.T[i]! - pub.T[i]!),
        Math.abs(own.zbar[i]! - pub.zbar[i]!),
      );
    }
    expect(worst).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it("gives the published BG/NBD estimates too", () => {
    const fit = fitBgNbd({ x: own.x, tx: own.tx, T: own.T });
    expect(Math.abs(fit.params.r - 0.243)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(fit.params.alpha - 4.414)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(fit.params.a - 0.793)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(fit.params.b - 2.426)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(fit.logLikelihood + 9582.4)).toBeLessThan(0.1);
  });

  it("counts the 1,882 holdout transactions of the sample", () => {
    expect(own.holdoutX.reduce((s, v) => s + v, 0)).toBe(1882);
    expect(own.holdoutLength).toBe(39);
  });
});

describe("summary conventions", () => {
  const day = (d: string, amount: number, customerId = "c1") => ({ customerId, date: d, amount });

  it("counts same-day purchases as one transaction and sums their amounts", () => {
    const s = buildSummary(
      [day("2024-01-01", 10), day("2024-01-08", 5), day("2024-01-08", 7), day("2024-01-15", 3)],
      { calibrationEnd: "2024-01-29" },
    );
    expect(s.x[0]).toBe(2);
    expect(s.zbar[0]).toBe((5 + 7 + 3) / 2);
  });

  it("ignores the first day's value in z̄ even when it holds several purchases", () => {
    const s = buildSummary([day("2024-01-01", 100), day("2024-01-01", 100), day("2024-01-15", 4)], { calibrationEnd: "2024-02-01" });
    expect(s.x[0]).toBe(1);
    expect(s.zbar[0]).toBe(4);
  });

  it("measures t_x and T in weeks from the first purchase, T to the calibration end", () => {
    const s = buildSummary([day("2024-01-01", 1), day("2024-01-15", 1), day("2024-03-01", 1)], {
      calibrationEnd: "2024-01-29",
      holdoutEnd: "2024-03-31",
    });
    expect(s.tx[0]).toBe(2);
    expect(s.T[0]).toBe(4);
    expect(s.holdoutX[0]).toBe(1);
  });

  it("gives x = 0, t_x = 0 and z̄ = 0 to one-time buyers", () => {
    const s = buildSummary([day("2024-01-03", 9)], { calibrationEnd: "2024-01-31" });
    expect([s.x[0], s.tx[0], s.zbar[0]]).toEqual([0, 0, 0]);
  });

  it("leaves out customers whose first purchase is after the calibration end", () => {
    const s = buildSummary([day("2024-01-03", 9, "a"), day("2024-02-03", 9, "b")], { calibrationEnd: "2024-01-31", holdoutEnd: "2024-03-31" });
    expect(s.ids).toEqual(["a"]);
  });

  it("does not count purchases after the holdout end", () => {
    const s = buildSummary([day("2024-01-01", 1), day("2024-02-10", 1), day("2024-05-01", 1)], {
      calibrationEnd: "2024-01-31",
      holdoutEnd: "2024-03-31",
    });
    expect(s.holdoutX[0]).toBe(1);
  });

  it("accepts transactions in any order", () => {
    const s = buildSummary([day("2024-01-22", 2), day("2024-01-01", 1), day("2024-01-08", 4)], { calibrationEnd: "2024-01-29" });
    expect([s.x[0], s.tx[0], s.zbar[0]]).toEqual([2, 3, 3]);
  });
});
