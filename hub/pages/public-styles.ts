/**
 * The public status page's stylesheet and its one small script, inlined: one request,
 * nothing else to fetch, and a static export is a single file. Colours meet WCAG AA on
 * both themes; every state also has an icon and words, so none relies on colour.
 */
export const PUBLIC_PAGE_CSS = `
:root{--bg:#f6f7f9;--card:#fff;--line:#d9dde3;--text:#18202b;--muted:#4f5866;--ok:#1a7f4b;--deg:#a45a00;--par:#c2410c;--maj:#b42318;--mnt:#1d5fbf;--none:#c9ced6;--link:#1d4ed8;color-scheme:light}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--bg:#0f131a;--card:#171c25;--line:#2f3744;--text:#e8ebf0;--muted:#aab2bf;--ok:#4ade80;--deg:#fbbf24;--par:#fb923c;--maj:#f87171;--mnt:#7fb0ff;--none:#3a4250;--link:#93b4ff;color-scheme:dark}}
:root[data-theme=dark]{--bg:#0f131a;--card:#171c25;--line:#2f3744;--text:#e8ebf0;--muted:#aab2bf;--ok:#4ade80;--deg:#fbbf24;--par:#fb923c;--maj:#f87171;--mnt:#7fb0ff;--none:#3a4250;--link:#93b4ff;color-scheme:dark}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
a{color:var(--link)}main,.hd,footer{max-width:860px;margin:0 auto;padding:0 16px}
.hd{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;padding-top:24px}
h1{font-size:1.5rem;margin:0}h2{font-size:1.1rem;margin:28px 0 10px}h3{font-size:1rem;margin:0}
.desc{color:var(--muted);margin:4px 0 0}.tools{display:flex;gap:12px;align-items:center;font-size:.9rem}
button{font:inherit;color:var(--text);background:var(--card);border:1px solid var(--line);border-radius:6px;padding:4px 10px;cursor:pointer}
.banner{display:flex;gap:12px;align-items:center;margin-top:20px;padding:14px 16px;border-radius:8px;background:var(--card);border:1px solid var(--line);border-left:6px solid var(--c)}
.banner strong{font-size:1.15rem}.banner p{margin:0;color:var(--muted)}
.ico{display:inline-grid;place-items:center;width:1.4em;height:1.4em;border-radius:50%;background:var(--c);color:var(--bg);font-weight:700;font-size:.85em;flex:none}
.s-operational{--c:var(--ok)}.s-degraded_performance{--c:var(--deg)}.s-partial_outage{--c:var(--par)}.s-major_outage{--c:var(--maj)}.s-under_maintenance{--c:var(--mnt)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px}
.comp{padding:12px 16px;border-top:1px solid var(--line)}.comp:first-child{border-top:0}
.row{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;justify-content:space-between}
.st{display:inline-flex;gap:6px;align-items:center;color:var(--c);font-weight:600;font-size:.9rem}
.why{margin:2px 0 0;color:var(--muted);font-size:.9rem}.extra{margin:2px 0 0;font-size:.8rem;color:var(--muted);word-break:break-all}
.bars{display:flex;gap:1px;list-style:none;margin:8px 0 2px;padding:0;height:30px}
.bars li{flex:1;min-width:1px;border-radius:2px;background:var(--ok);position:relative}
.bars .n{background:var(--none)}.bars .d{background:var(--deg)}.bars .p{background:repeating-linear-gradient(135deg,var(--par) 0 3px,var(--card) 3px 4px)}
.bars .x{background:var(--maj)}.bars .m{background:var(--mnt)}
.bars li:hover,.bars li:focus{outline:2px solid var(--text);outline-offset:1px}
.bars li:hover::after,.bars li:focus::after{content:attr(aria-label);position:absolute;bottom:36px;left:50%;transform:translateX(-50%);white-space:nowrap;background:var(--text);color:var(--bg);padding:4px 8px;border-radius:4px;font-size:.8rem;z-index:2}
.bars li:nth-child(-n+20):hover::after,.bars li:nth-child(-n+20):focus::after{left:0;transform:none}
.bars li:nth-last-child(-n+20):hover::after,.bars li:nth-last-child(-n+20):focus::after{left:auto;right:0;transform:none}
.axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
details>summary{list-style:none;cursor:pointer;padding:12px 16px}details>summary::-webkit-details-marker{display:none}
details>summary h3::before{content:"▸ ";color:var(--muted)}details[open]>summary h3::before{content:"▾ "}
details[open]>summary{border-bottom:1px solid var(--line)}.grp{margin-bottom:12px}
.post{padding:12px 16px;margin-bottom:12px;border-left:6px solid var(--c)}.post h3 a{color:inherit}
.post ol{list-style:none;margin:8px 0 0;padding:0}.post li{margin:6px 0}.post li b{text-transform:capitalize}
.pager{display:flex;flex-wrap:wrap;gap:14px;justify-content:center;margin:12px 0;font-size:.9rem}.attn{list-style:none;padding:0;margin:0}.attn li{padding:6px 16px;border-top:1px solid var(--line)}.attn li:first-child{border-top:0}
.meta{color:var(--muted);font-size:.85rem}.legend{font-size:.85rem;color:var(--muted)}
footer{margin:32px auto;color:var(--muted);font-size:.85rem}footer a{margin-right:12px}
form.sub{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:12px 16px}
input[type=email],input[type=password]{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--text)}
.pick{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px 14px;width:100%}.pick legend{padding:0;margin-bottom:4px;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){.bars{height:24px;gap:1px}.bars li{border-radius:1px}}
`

/**
 * Local times (the UTC time stays in the title), the theme toggle, and live updates:
 * server-sent events, or a poll every 30 s where they fail. Without JavaScript the page
 * is complete and a <noscript> refresh keeps it current.
 */
export const PUBLIC_PAGE_JS = `(()=>{const d=document,r=d.documentElement,k='vantage-theme';
const t=localStorage.getItem(k);if(t)r.dataset.theme=t;
function local(){d.querySelectorAll('time[data-local]').forEach(e=>{const v=new Date(e.getAttribute('datetime'));e.textContent=v.toLocaleString(void 0,{dateStyle:'medium',timeStyle:'short'})})}
function wire(){local();const b=d.getElementById('theme');if(b){b.hidden=false;b.onclick=()=>{const n=(r.dataset.theme||(matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'))==='dark'?'light':'dark';r.dataset.theme=n;localStorage.setItem(k,n)}}}
wire();let tag=d.body.dataset.etag;
async function refresh(){const x=await fetch(location.href,{cache:'no-cache',headers:{accept:'text/html'}});if(!x.ok)return;const h=await x.text();const n=new DOMParser().parseFromString(h,'text/html');const m=n.querySelector('main');if(m){d.querySelector('main').replaceWith(m);tag=n.body.dataset.etag;local()}}
function poll(){setInterval(refresh,30000)}
if(window.EventSource){let f=0;const s=new EventSource(d.body.dataset.events);s.onmessage=e=>{if(e.data!==tag)refresh()};s.onerror=()=>{if(++f>3){s.close();poll()}}}else poll()})()`
