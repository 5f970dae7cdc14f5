// A rule's measured outcomes, summarised from GET /v1/rules/{id}/performance.
export function summarisePerformance(perf: any) {
  const versions: any[] = perf?.versions ?? [];
  const alerts = versions.reduce((a, v) => a + (v.alerts ?? 0), 0);
  const latest = versions.at(-1);
  return { alerts, precision: latest?.precisionByLabel ?? latest?.precisionByBehaviour ?? null, saveRate: latest?.saveRate ?? null };
}
