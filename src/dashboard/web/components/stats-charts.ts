// A container's CPU and memory over the last minutes, as uPlot charts fed by the stats stream
// (the server keeps recent samples, so the graph is drawn at once when the page opens).
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { session } from '../session.js';
import { formatBytes } from './sparkline.js';

const KEEP = 300;

function chart(el: HTMLElement, title: string, label: string, fmt: (v: number) => string): uPlot {
  return new uPlot(
    {
      title,
      width: 520,
      height: 200,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
      axes: [{}, { values: (_u, ticks) => ticks.map(fmt), size: 70 }],
      series: [{}, { label, stroke: '#1f6feb', fill: 'rgba(31,111,235,0.1)', value: (_u, v) => (v == null ? '—' : fmt(v)) }],
    },
    [[], []],
    el,
  );
}

export function StatsCharts(props: { host: string; id: string }) {
  const cpuBox = useRef<HTMLDivElement>(null);
  const memBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!cpuBox.current || !memBox.current) return;
    const cpu = chart(cpuBox.current, 'CPU', 'CPU %', (v) => `${v.toFixed(1)}%`);
    const mem = chart(memBox.current, 'Memory', 'memory', formatBytes);
    const t: number[] = [];
    const c: number[] = [];
    const m: number[] = [];
    let queued = false;
    const handle = session().conn.subscribe(
      { kind: 'stats', host: props.host, container: props.id },
      {
        onMsg: (s) => {
          t.push(s.t / 1000);
          c.push(s.usage.cpuPercent);
          m.push(s.usage.memUsage);
          if (t.length > KEEP) [t, c, m].forEach((a) => a.shift());
          if (queued) return;
          queued = true;
          requestAnimationFrame(() => {
            queued = false;
            cpu.setData([t, c]);
            mem.setData([t, m]);
          });
        },
        onReset: () => [t, c, m].forEach((a) => (a.length = 0)),
      },
    );
    return () => {
      handle.close();
      cpu.destroy();
      mem.destroy();
    };
  }, [props.host, props.id]);
  return html`<div class="charts"><div ref=${cpuBox}></div><div ref=${memBox}></div></div>`;
}
