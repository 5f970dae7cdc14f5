// uPlot charts: small (≈ 50 kB), fast, canvas-based; a table beside each chart carries the numbers for screen readers.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { t } from "./i18n.ts";

export type Series = { label: string; values: (number | null)[]; color: string; scale?: string; bars?: boolean; points?: boolean };

export function Chart({ x, series, height = 220, label, onSelect, yFormat }: {
  x: number[];
  series: Series[];
  height?: number;
  label: string;
  onSelect?: (index: number) => void;
  yFormat?: (v: number) => string;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    // One point alone would stretch the axis over years: show the week around it.
    const scales: Record<string, uPlot.Scale> = { x: x.length === 1 ? { time: true, range: [x[0]! - 3.5 * 86400, x[0]! + 3.5 * 86400] } : { time: true } };
    const axes: uPlot.Axis[] = [{ stroke: "#475569", grid: { stroke: "#e2e8f0" } }];
    const seen = new Set<string>();
    for (const s of series) {
      const scale = s.scale ?? "y";
      if (seen.has(scale)) continue;
      seen.add(scale);
      axes.push({ scale, side: seen.size === 1 ? 3 : 1, stroke: "#475569", grid: { show: seen.size === 1, stroke: "#e2e8f0" }, ...(yFormat && seen.size === 1 ? { values: (_u: uPlot, v: number[]) => v.map(yFormat) } : {}) });
    }
    const plot = new uPlot(
      {
        width: el.current.clientWidth || 600,
        height,
        scales,
        axes,
        legend: { show: true },
        cursor: { points: { size: 8 } },
        series: [
          // uPlot names the x series "Time" in its legend: in the viewer's language instead.
          { label: t("chart.time") },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            scale: s.scale ?? "y",
            fill: s.bars ? s.color + "55" : undefined,
            paths: s.bars ? uPlot.paths.bars!({ size: [0.6, 40] }) : undefined,
            points: { show: s.points ?? true, size: 6 },
            spanGaps: true,
          })),
        ],
        hooks: onSelect ? { setCursor: [] } : {},
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el.current,
    );
    if (onSelect) plot.over.addEventListener("click", () => plot.cursor.idx != null && onSelect(plot.cursor.idx));
    const resize = () => el.current && plot.setSize({ width: el.current.clientWidth, height });
    addEventListener("resize", resize);
    return () => {
      removeEventListener("resize", resize);
      plot.destroy();
    };
  }, [JSON.stringify([x, series.map((s) => [s.label, s.values])])]);
  return <figure class="chart" role="img" aria-label={label}><div ref={el} /></figure>;
}
