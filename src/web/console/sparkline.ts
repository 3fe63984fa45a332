import { Html, html } from './html.js';

const WIDTH = 120;
const HEIGHT = 24;

/**
 * A small inline SVG of recent rates (enqueued green, dequeued blue) with the latest figures beside it. Only
 * numbers reach the markup, and they pass through `html` like everything else; inline SVG needs no script and no
 * style attribute, so the console's CSP stays as strict as it is.
 */
export function sparkline(
  rates: { readonly enqueues: readonly number[]; readonly dequeues: readonly number[] } | undefined,
): Html {
  if (rates === undefined || rates.enqueues.length < 2) return html`<span class="muted">collecting…</span>`;
  const top = Math.max(1, ...rates.enqueues, ...rates.dequeues);
  const line = (values: readonly number[], colour: string): Html => {
    const step = WIDTH / Math.max(1, values.length - 1);
    const points = values
      .map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - 1 - (v / top) * (HEIGHT - 2)).toFixed(1)}`)
      .join(' ');
    return html`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.5" />`;
  };
  const last = (values: readonly number[]) => (values.at(-1) ?? 0).toFixed(1);
  return html`<svg
      width="${WIDTH}"
      height="${HEIGHT}"
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-label="enqueued and dequeued per second"
    >
      ${line(rates.enqueues, '#1a7f37')}${line(rates.dequeues, '#0969da')}
    </svg>
    <span class="n">${last(rates.enqueues)}/s in, ${last(rates.dequeues)}/s out</span>`;
}
