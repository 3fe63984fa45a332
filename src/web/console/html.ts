/** HTML text for the console: every value from the broker passes through `esc`, nothing else builds markup. */
export function esc(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
  return s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A marked-up fragment: only `html` tagged templates make one, so raw strings cannot slip in unescaped. */
export class Html {
  constructor(readonly text: string) {}
}

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return esc(v);
}

export const STYLE = `body{font:14px system-ui,sans-serif;margin:0;color:#1b2430;background:#f6f8fa}
header{background:#0b3d5c;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
header a{color:#cfe8ff;text-decoration:none}header b{font-size:1.1em;color:#fff}
main{padding:1em 1.5em}table{border-collapse:collapse;background:#fff;margin:.5em 0 1.5em}
th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#eef2f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:inline}button{cursor:pointer}pre{background:#fff;border:1px solid #d0d7de;padding:.6em;white-space:pre-wrap;word-break:break-all;max-height:30em;overflow:auto}
.msg{padding:.5em 1em;background:#e6f4ea;border:1px solid #a3d3b1;margin-bottom:1em}
.err{background:#fdecea;border-color:#f5b7b1}.muted{color:#6e7781}svg{vertical-align:middle;margin-right:.4em}`;

export function page(title: string, body: Html, flash: string | null): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · TideMQ</title>
        <link rel="stylesheet" href="/admin/style.css" />
      </head>
      <body>
        <header>
          <b>TideMQ</b><a href="/admin/">Broker</a><a href="/admin/queues">Queues</a><a href="/admin/topics">Topics</a>
          <a href="/admin/subscriptions">Subscribers</a><a href="/admin/connections">Connections</a
          ><a href="/admin/send">Send</a>
        </header>
        <main>
          <h1>${title}</h1>
          ${flash === null ? '' : html`<div class="msg">${flash}</div>`}${body}
        </main>
      </body>
    </html>`;
}
