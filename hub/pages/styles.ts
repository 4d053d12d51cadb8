/**
 * The status page's stylesheet, inlined into the page: one request, no static-file
 * route, and the page still renders when the hub is the only thing reachable.
 * Colours follow the usual status-page code (green, amber, red, grey) and switch
 * to a dark palette when the reader's system asks for it.
 */
export const STATUS_PAGE_CSS = `
:root {
  --bg: #f5f7fa; --card: #ffffff; --border: #e4e7ec; --text: #1d2939; --muted: #667085;
  --up: #12b76a; --degraded: #f79009; --down: #f04438; --inconclusive: #98a2b3; --none: #e4e7ec;
  --up-soft: #ecfdf3; --up-ink: #027a48; --partial-soft: #fffaeb; --partial-ink: #b54708;
  --down-soft: #fef3f2; --down-ink: #b42318; --unknown-soft: #f2f4f7; --unknown-ink: #475467;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0c111d; --card: #161b26; --border: #2a3140; --text: #e4e7ec; --muted: #94969c; --none: #2a3140;
    --up-soft: #053321; --up-ink: #75e0a7; --partial-soft: #4e1d09; --partial-ink: #fec84b;
    --down-soft: #55160c; --down-ink: #fda29b; --unknown-soft: #1f242f; --unknown-ink: #cecfd2;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.wrap { max-width: 980px; margin: 0 auto; padding: 32px 20px 48px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }

.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 18px; }
.top h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
.top .generated { color: var(--muted); font-size: 13px; }

.banner {
  display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 16px 20px; margin-bottom: 32px;
  border-radius: 12px; color: #fff; font-size: 18px; font-weight: 600; box-shadow: 0 1px 2px rgb(16 24 40 / 0.08);
}
.banner.operational { background: var(--up); }
.banner.partial { background: var(--degraded); }
.banner.major { background: var(--down); }
.banner.unknown { background: #667085; }
.banner .banner-icon {
  display: inline-grid; place-items: center; width: 26px; height: 26px; border-radius: 50%;
  background: rgb(255 255 255 / 0.25); font-size: 15px; line-height: 1;
}
.banner .sub { margin-left: auto; font-size: 14px; font-weight: 500; opacity: 0.92; }

section { margin-bottom: 36px; }
.filters { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0 0 12px; padding: 0; list-style: none; font-size: 14px; }
.filters a { color: var(--text); }
.filters .on { font-weight: 600; }
.pager { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; justify-content: center; margin: 14px 0; font-size: 14px; }
.section-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; margin-bottom: 12px; }
h2 { margin: 0; font-size: 13px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; list-style: none; font-size: 12px; color: var(--muted); }
.legend li { display: inline-flex; align-items: center; gap: 5px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }

.card {
  background: var(--card); border: 1px solid var(--border); border-radius: 12px;
  padding: 18px 20px; margin-bottom: 14px; box-shadow: 0 1px 2px rgb(16 24 40 / 0.04);
}
.card-head { display: flex; align-items: flex-start; gap: 16px; }
.card-title { flex: 1; min-width: 0; }
.card-title h3 { margin: 0; font-size: 16px; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.kind {
  font-size: 10.5px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase;
  color: var(--muted); border: 1px solid var(--border); border-radius: 4px; padding: 0 5px;
}
.target { font-size: 13px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.uptime { display: flex; gap: 18px; text-align: right; }
.uptime div { display: flex; flex-direction: column; }
.uptime strong { font-size: 15px; font-variant-numeric: tabular-nums; }
.uptime span { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; }

.state { display: flex; flex-direction: column; align-items: flex-end; gap: 3px; min-width: 84px; }
.state .since { font-size: 12px; color: var(--muted); white-space: nowrap; }
.pill {
  display: inline-flex; align-items: center; gap: 6px; padding: 3px 10px; border-radius: 999px;
  font-size: 13px; font-weight: 600; white-space: nowrap;
}
.pill::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.pill.up, .pill.online { background: var(--up-soft); color: var(--up-ink); }
.pill.partial, .pill.degraded, .pill.flapping { background: var(--partial-soft); color: var(--partial-ink); }
.pill.down { background: var(--down-soft); color: var(--down-ink); }
.pill.unknown, .pill.paused, .pill.offline, .pill.insufficient { background: var(--unknown-soft); color: var(--unknown-ink); }

.bar { display: flex; gap: 2px; height: 30px; margin-top: 16px; }
.bar span { flex: 1; min-width: 2px; border-radius: 2px; background: var(--none); }
.bar span:hover { opacity: 0.75; }
.bar span.pending { background: transparent; border: 1px dashed var(--border); }
.up { --c: var(--up); } .degraded { --c: var(--degraded); } .down { --c: var(--down); } .inconclusive { --c: var(--inconclusive); }
.bar span.up, .bar span.degraded, .bar span.down, .bar span.inconclusive, .legend i { background: var(--c, var(--none)); }
.axis { display: flex; justify-content: space-between; margin-top: 4px; font-size: 12px; color: var(--muted); }

.regions { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 8px; margin: 14px 0 0; padding: 0; list-style: none; }
.region { border: 1px solid var(--border); border-radius: 8px; padding: 7px 10px; font-size: 13px; }
.region .line { display: flex; align-items: center; gap: 7px; }
.region .dot { width: 8px; height: 8px; border-radius: 50%; flex: none; background: var(--inconclusive); }
.region.passing .dot { background: var(--up); }
.region.failing .dot { background: var(--down); }
.incidents { list-style: none; padding: 0; }
.incident { padding: 10px 16px; border-top: 1px solid var(--border); }
.incident:first-child { border-top: none; }
.incident .line { display: flex; gap: 10px; align-items: center; }
.incident .name { font-weight: 600; color: inherit; }
.incident .when { font-size: 13px; margin-top: 4px; }
.region.degraded .dot { background: var(--degraded); }
.region.inconclusive .dot, .region.offline .dot { background: var(--inconclusive); }
.region.failing { border-color: color-mix(in srgb, var(--down) 45%, var(--border)); }
.region .name { font-weight: 600; white-space: nowrap; }
.region .last {
  margin-left: auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  font-variant-numeric: tabular-nums; color: var(--muted);
}
.region .last.degraded { color: var(--partial-ink); }
.region .last.down { color: var(--down-ink); font-weight: 600; }
.region .avail { margin-top: 2px; padding-left: 15px; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.region .usual { padding-left: 15px; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.region .usual.slow { color: var(--partial-ink); }

.empty { padding: 20px; text-align: center; color: var(--muted); }
table.probes { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--border); border-radius: 12px; overflow: hidden; font-size: 14px; }
table.probes th { text-align: left; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; background: var(--bg); }
table.probes th, table.probes td { padding: 9px 14px; border-bottom: 1px solid var(--border); white-space: nowrap; }
table.probes tr:last-child td { border-bottom: none; }

footer { margin-top: 8px; font-size: 12px; color: var(--muted); text-align: center; }

@media (max-width: 640px) {
  .card-head { flex-wrap: wrap; }
  .uptime { order: 3; width: 100%; text-align: left; }
  .banner .sub { margin-left: 0; width: 100%; }
  table.probes .version { display: none; }
  table.probes th, table.probes td { padding: 8px 8px; }
}
.evidence { margin: 12px 0 0; }
.evidence img { display: block; max-width: 100%; max-height: 360px; border: 1px solid var(--border); border-radius: 8px; }
.evidence figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
`
