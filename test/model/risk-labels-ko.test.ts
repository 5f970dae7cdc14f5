import { describe, expect, test } from "vitest";
import { riskInputs } from "../../src/model-fits/risk/inputs.ts";
import { riskInputLabelsKo } from "../../src/model-fits/risk/labels-ko.ts";

describe("the learned model's inputs in Korean", () => {
  test("every input has a Korean name (an input added without one fails here)", () => {
    expect(riskInputs.filter((i) => !riskInputLabelsKo[i.name]).map((i) => i.name)).toEqual([]);
  });
  test("no Korean name is left for an input that no longer exists", () => {
    const names = new Set(riskInputs.map((i) => i.name));
    expect(Object.keys(riskInputLabelsKo).filter((n) => !names.has(n))).toEqual([]);
  });
});
