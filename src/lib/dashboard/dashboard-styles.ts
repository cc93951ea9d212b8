/**
 * The page's stylesheet, served as a file of its own (the CSP allows no inline style). One column
 * that fits a phone (390 px) as well as a laptop (1280 px); wide tables scroll within their box.
 */
export const DASHBOARD_STYLES = `:root {
  color-scheme: light;
  --ink: #1b1f24;
  --muted: #57606a;
  --line: #d0d7de;
  --panel: #f6f8fa;
  --alert: #b3261e;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45; }
header {
  display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 1rem;
  padding: 1rem 1.5rem; border-bottom: 1px solid var(--line);
}
h1 { margin: 0; font-size: 1.5rem; }
header p { margin: 0; color: var(--muted); }
main { max-width: 1140px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
section { margin: 0 0 2rem; min-width: 0; }
h2 { margin: 0 0 0.75rem; font-size: 1.2rem; }
h3 { margin: 0 0 0.25rem; font-size: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.75rem; margin-bottom: 1rem; }
.card { padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.card h3 { font-size: 0.85rem; font-weight: 600; color: var(--muted); }
.figure { margin: 0; font-size: 1.75rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.note, .period, .more, caption { color: var(--muted); font-size: 0.875rem; }
.note { margin: 0.25rem 0 0; }
.alert { padding: 0.5rem 0.75rem; border-left: 4px solid var(--alert); background: #fdecea; }
.empty { font-style: italic; color: var(--muted); }
.chart { width: 100%; min-height: 200px; overflow: hidden; margin: 0.5rem 0 1rem; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { padding: 0.25rem 0; text-align: left; }
th, td { padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { border-bottom-width: 2px; white-space: nowrap; }
tbody th { font-weight: 500; }
.upn { display: block; color: var(--muted); font-size: 0.8rem; font-weight: 400; overflow-wrap: anywhere; }
.at-risk { margin-bottom: 1.5rem; }
a { color: #0550ae; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  header { padding: 0.75rem 1rem; }
  main { padding: 0.75rem 1rem 2rem; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.5rem; }
  .card { padding: 0.5rem 0.75rem; }
  .figure { font-size: 1.4rem; }
  table { font-size: 0.85rem; }
  /* Each at-risk user on two lines (name, then audience, methods and date) instead of a wide row. */
  .at-risk thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .at-risk tr { display: block; padding: 0.4rem 0; border-bottom: 1px solid var(--line); }
  .at-risk th, .at-risk td { display: inline; padding: 0 0.5rem 0 0; border: 0; }
  .at-risk tbody th { display: block; }
  .at-risk td + td::before { content: '· '; color: var(--muted); }
}
`;
