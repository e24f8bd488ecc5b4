// A row's CPU and memory in the last minute, drawn on a small canvas. It subscribes to the
// container's stats only while the row is on screen (IntersectionObserver), and draws without
// re-rendering the table: 200 rows stay cheap.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import type { StatsUsage } from '../../../client/stats-usage.js';
import { session } from '../session.js';
import type { StreamHandle } from '../connection.js';

const POINTS = 60;
const W = 90;
const H = 22;

function draw(canvas: HTMLCanvasElement, samples: StatsUsage[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#f3f4f6';
  ctx.fillRect(0, 0, W, H);
  const line = (values: number[], max: number, color: string) => {
    if (values.length < 2) return;
    ctx.strokeStyle = color;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = W - (values.length - 1 - i) * (W / (POINTS - 1));
      const y = H - 1 - (Math.min(v, max) / max) * (H - 2);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };
  const cpu = samples.map((s) => s.cpuPercent);
  // Scaled to the row's own peak: a sparkline shows the trend; the numbers beside it the level.
  line(cpu, Math.max(1, ...cpu) * 1.2, '#1f6feb');
  const mem = samples.map((s) => s.memUsage);
  line(mem, Math.max(1, ...mem) * 1.2, '#8250df');
}

export function Sparkline(props: { host: string; id: string; running: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el || !props.running) return;
    const samples: StatsUsage[] = [];
    let handle: StreamHandle | undefined;
    const observer = new IntersectionObserver((entries) => {
      const visible = entries.some((e) => e.isIntersecting);
      if (visible && !handle) {
        handle = session().conn.subscribe(
          { kind: 'stats', host: props.host, container: props.id },
          {
            onMsg: (m) => {
              samples.push(m.usage);
              if (samples.length > POINTS) samples.shift();
              draw(el, samples);
              if (label.current) label.current.textContent = `${m.usage.cpuPercent.toFixed(1)}% · ${formatBytes(m.usage.memUsage)}`;
            },
            onReset: () => (samples.length = 0),
          },
        );
      } else if (!visible && handle) {
        handle.close();
        handle = undefined;
      }
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      handle?.close();
    };
  }, [props.host, props.id, props.running]);
  if (!props.running) return html`<span class="muted">—</span>`;
  return html`<canvas class="spark" ref=${canvas} width=${W} height=${H}></canvas> <span class="muted usage" ref=${label}></span>`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
