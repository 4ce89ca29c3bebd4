// The CustomerBase dashboard: one page, one view per tab, refreshed by polling the dashboard's own /api every second or two.
'use strict';

const view = document.getElementById('view');
let timer = null;
let resources = [];

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const time = t => new Date(t).toLocaleTimeString([], { hour12: false }) + '.' + String(new Date(t).getMilliseconds()).padStart(3, '0');
const ms = v => v < 1 ? v.toFixed(2) + ' ms' : v < 1000 ? v.toFixed(1) + ' ms' : (v / 1000).toFixed(2) + ' s';
const uptime = s => s == null ? '' : s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;

async function api(path, options) {
  const response = await fetch('/api/' + path, options);
  if (response.status === 401) { location.reload(); throw new Error('signed out'); }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.status === 202 ? null : response.json();
}

function route() {
  const [name, ...rest] = (location.hash.slice(1) || 'resources').split('/');
  const arg = decodeURIComponent(rest.join('/'));
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.view === (name === 'trace' ? 'traces' : name.split('?')[0])));
  clearInterval(timer);
  const views = { resources: showResources, console: showConsole, logs: showLogs, traces: showTraces, trace: showTrace, metrics: showMetrics, tokens: showTokens };
  (views[name.split('?')[0]] || showResources)(arg.split('?')[0], query);
}

function every(ms, refresh) {
  refresh();
  timer = setInterval(() => refresh().catch(() => {}), ms);
}

async function loadResources() {
  resources = await api('resources');
  // Web UIs of servers (RabbitMQ management, a mail catcher) as links in the header, whatever the list holds.
  document.getElementById('links').innerHTML = resources.filter(r => r.kind === 'server')
    .flatMap(r => r.urls.filter(u => u.startsWith('http')).map(u => `<a href="${esc(u)}" target="_blank" rel="noopener">${esc(r.name)} UI ↗</a>`)).join('');
  return resources;
}

function resourceOptions(selected, includeAll, kinds) {
  const names = resources.filter(r => !kinds || kinds.includes(r.kind)).map(r => r.name);
  return (includeAll ? `<option value="">all resources</option>` : '') +
    names.map(n => `<option ${n === selected ? 'selected' : ''}>${esc(n)}</option>`).join('');
}

// ---- Resources ----
function showResources() {
  view.innerHTML = `<table id="resources"><thead><tr><th>Resource</th><th>Kind</th><th>State</th><th>Health</th><th>PID</th><th>Uptime</th><th>URLs</th><th></th></tr></thead><tbody></tbody></table>`;
  every(1000, async () => {
    await loadResources();
    view.querySelector('tbody').innerHTML = resources.map(r => `
      <tr data-resource="${esc(r.name)}">
        <td><a href="#console/${encodeURIComponent(r.name)}">${esc(r.name)}</a></td>
        <td class="muted">${esc(r.kind)}</td>
        <td><span class="badge state ${esc(r.state)}">${esc(r.state)}</span></td>
        <td><span class="badge health ${esc(r.health ?? '')}">${esc(r.health ?? '–')}</span></td>
        <td class="mono">${esc(r.processId ?? '')}</td>
        <td>${esc(uptime(r.uptimeSeconds))}</td>
        <td class="mono">${r.urls.map(u => u.startsWith('http') ? `<a href="${esc(u.split(' ')[0])}" target="_blank" rel="noopener">${esc(u)}</a>` : esc(u)).join('<br>')}</td>
        <td>
          <button data-action="restart" data-name="${esc(r.name)}">${['Stopped', 'Failed', 'Exited', 'NotStarted'].includes(r.state) ? 'Start' : 'Restart'}</button>
          <button data-action="stop" data-name="${esc(r.name)}" ${['Stopped', 'NotStarted'].includes(r.state) ? 'disabled' : ''}>Stop</button>
        </td>
      </tr>`).join('');
  });
}

view.addEventListener('click', async e => {
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  const { action, name } = button.dataset;
  if (action === 'stop' && !confirm(`Stop ${name}?`)) return;
  button.disabled = true;
  await api(`resources/${encodeURIComponent(name)}/${action}`, { method: 'POST' });
});

// ---- Console ----
async function showConsole(name) {
  await loadResources();
  name = name || resources[0]?.name || '';
  view.innerHTML = `<div class="filters">
      <select id="console-resource">${resourceOptions(name, false)}</select>
      <input id="console-search" placeholder="search" size="30">
      <label><input type="checkbox" id="console-follow" checked> follow</label>
      <span class="muted" id="console-count"></span>
    </div><pre class="console" id="console"></pre>`;
  view.querySelector('#console-resource').onchange = e => location.hash = 'console/' + encodeURIComponent(e.target.value);
  const pre = view.querySelector('#console');
  const search = view.querySelector('#console-search');
  let lines = [];
  let after = 0;
  const render = () => {
    const term = search.value.toLowerCase();
    const shown = term ? lines.filter(l => l.text.toLowerCase().includes(term)) : lines;
    pre.innerHTML = shown.map(l => `<span class="${l.isError ? 'err' : ''}">${esc(l.text)}</span>`).join('\n');
    view.querySelector('#console-count').textContent = `${shown.length} of ${lines.length} lines`;
    if (view.querySelector('#console-follow').checked) pre.scrollTop = pre.scrollHeight;
  };
  search.oninput = render;
  every(1000, async () => {
    const fresh = await api(`resources/${encodeURIComponent(name)}/console?after=${after}`);
    if (fresh.length === 0) return;
    after = fresh[fresh.length - 1].sequence;
    lines = lines.concat(fresh).slice(-5000);
    render();
  });
}

// ---- Structured logs ----
async function showLogs(_, query) {
  await loadResources();
  view.innerHTML = `<div class="filters">
      <select id="log-resource">${resourceOptions(query.get('resource'), true, ['service'])}</select>
      <select id="log-level">${['', 'Debug', 'Information', 'Warning', 'Error', 'Critical'].map(l => `<option value="${l}">${l ? l + ' and above' : 'any level'}</option>`).join('')}</select>
      <input id="log-trace" placeholder="trace id" size="34" value="${esc(query.get('traceId') ?? '')}">
      <input id="log-search" placeholder="search messages" size="30">
    </div>
    <table id="logs"><thead><tr><th>Time</th><th>Resource</th><th>Level</th><th>Trace</th><th>Category</th><th>Message</th></tr></thead><tbody></tbody></table>`;
  const value = id => encodeURIComponent(view.querySelector(id).value);
  const refresh = async () => {
    const logs = await api(`logs?resource=${value('#log-resource')}&level=${value('#log-level')}&traceId=${value('#log-trace')}&search=${value('#log-search')}`);
    // Newest first by the time written: services send in batches, so arrival order interleaves them.
    logs.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    view.querySelector('tbody').innerHTML = logs.map(l => `
      <tr><td class="mono">${time(l.time)}</td><td>${esc(l.resource)}</td><td class="level-${esc(l.level)}">${esc(l.level)}</td>
      <td class="mono">${l.traceId ? `<a href="#trace/${l.traceId}">${l.traceId.slice(0, 8)}</a>` : ''}</td>
      <td class="muted mono">${esc(l.category)}</td><td>${esc(l.message)}</td></tr>`).join('');
  };
  view.querySelectorAll('.filters select, .filters input').forEach(el => el.oninput = () => refresh());
  every(2000, refresh);
}

// ---- Traces ----
async function showTraces() {
  await loadResources();
  view.innerHTML = `<div class="filters">
      <select id="trace-resource">${resourceOptions('', true, ['service'])}</select>
      <input id="trace-search" placeholder="trace id or span name" size="40">
    </div>
    <table id="traces"><thead><tr><th>Time</th><th>Name</th><th>Resources</th><th>Spans</th><th>Duration</th></tr></thead><tbody></tbody></table>`;
  const value = id => encodeURIComponent(view.querySelector(id).value);
  const refresh = async () => {
    const traces = await api(`traces?resource=${value('#trace-resource')}&search=${value('#trace-search')}`);
    view.querySelector('tbody').innerHTML = traces.map(t => `
      <tr class="clickable trace-row" data-trace="${t.traceId}" onclick="location.hash='trace/${t.traceId}'">
        <td class="mono">${time(t.start)}</td><td>${t.hasError ? '<span class="badge Failed">error</span> ' : ''}${esc(t.name)}
        <div class="muted mono">${t.traceId}</div></td><td>${t.resources.map(esc).join(', ')}</td><td>${t.spanCount}</td><td>${ms(t.durationMs)}</td></tr>`).join('');
  };
  view.querySelectorAll('.filters select, .filters input').forEach(el => el.oninput = () => refresh());
  every(2000, refresh);
}

async function showTrace(traceId) {
  view.innerHTML = `<p><a href="#traces">← traces</a> · <a href="#logs?traceId=${esc(traceId)}">logs of this trace</a></p>
    <h2 class="mono">${esc(traceId)}</h2><table class="waterfall" id="waterfall"><thead><tr><th>Span</th><th>Resource</th><th>Duration</th><th class="bar-cell">Timeline</th></tr></thead><tbody></tbody></table>
    <div class="details" id="span-details">Click a span to see its attributes.</div>`;
  every(2000, async () => {
    let items;
    try { items = await api(`traces/${encodeURIComponent(traceId)}`); } catch { view.querySelector('tbody').innerHTML = '<tr><td colspan="4">Not (or no longer) kept.</td></tr>'; return; }
    const spans = items.map(i => ({ ...i.span, category: i.category }));
    const byId = new Map(spans.map(s => [s.spanId, s]));
    const children = new Map();
    spans.forEach(s => { const p = byId.has(s.parentSpanId) ? s.parentSpanId : null; children.set(p, [...(children.get(p) || []), s]); });
    const start = Math.min(...spans.map(s => Date.parse(s.start)));
    const end = Math.max(...spans.map(s => Date.parse(s.start) + s.durationMs));
    const total = Math.max(end - start, 1);
    const rows = [];
    const walk = (parent, depth) => (children.get(parent) || []).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .forEach(s => { rows.push([s, depth]); walk(s.spanId, depth + 1); });
    walk(null, 0);
    view.querySelector('tbody').innerHTML = rows.map(([s, depth]) => `
      <tr class="clickable span-row ${s.isError ? 'error' : ''}" data-span="${s.spanId}" data-resource="${esc(s.resource)}" data-category="${s.category}">
        <td style="padding-left:${8 + depth * 16}px">${esc(s.name)}<span class="cat cat-${s.category}">${s.category}</span></td>
        <td>${esc(s.resource)}</td><td>${ms(s.durationMs)}</td>
        <td class="bar-cell"><div class="bar" style="left:${(Date.parse(s.start) - start) / total * 100}%;width:${s.durationMs / total * 100}%"></div></td></tr>`).join('');
    view.querySelectorAll('tr.span-row').forEach(tr => tr.onclick = () => {
      const s = byId.get(tr.dataset.span);
      view.querySelector('#span-details').innerHTML = `<b>${esc(s.name)}</b> <span class="muted">${esc(s.kind)} · ${esc(s.scope)} · ${esc(s.resource)}</span>
        ${s.statusMessage ? `<p class="level-Error">${esc(s.statusMessage)}</p>` : ''}
        <table>${Object.entries(s.attributes).map(([k, v]) => `<tr><td class="mono">${esc(k)}</td><td class="mono">${esc(v)}</td></tr>`).join('')}</table>`;
    });
  });
}

// ---- Metrics ----
function sparkline(points) {
  if (points.length < 2) return '<svg></svg>';
  const xs = points.map(p => Date.parse(p.time)), ys = points.map(p => p.value);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), top = Math.max(...ys, 1e-9);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${((xs[i] - x0) / Math.max(x1 - x0, 1) * 300).toFixed(1)},${(58 - ys[i] / top * 56).toFixed(1)}`).join(' ');
  return `<svg viewBox="0 0 300 60" preserveAspectRatio="none"><path d="${path}" fill="none" stroke="#3b5bdb" stroke-width="1.5"/></svg>`;
}

function chart(series) {
  const last = series.points.at(-1)?.value;
  return `<div class="chart" data-chart="${esc(series.title)}"><h3>${esc(series.title)}<span class="value">${last == null ? '–' : last.toFixed(2) + ' ' + esc(series.unit)}</span></h3>${sparkline(series.points)}</div>`;
}

async function showMetrics(name) {
  await loadResources();
  const services = resources.filter(r => r.kind === 'service');
  name = name || services[0]?.name || '';
  view.innerHTML = `<div class="filters"><select id="metric-resource">${resourceOptions(name, false, ['service'])}</select>
      <select id="metric-name"><option value="">another metric…</option></select></div>
    <div class="charts" id="key-charts"></div><div class="charts" id="picked-chart"></div>`;
  view.querySelector('#metric-resource').onchange = e => location.hash = 'metrics/' + encodeURIComponent(e.target.value);
  const picker = view.querySelector('#metric-name');
  every(2000, async () => {
    const metrics = await api(`metrics/${encodeURIComponent(name)}`);
    view.querySelector('#key-charts').innerHTML = metrics.key.length ? metrics.key.map(chart).join('') : '<p class="muted">No metrics received yet (services export every 5 s).</p>';
    if (picker.options.length === 1) picker.innerHTML += metrics.all.map(m => `<option>${esc(m.name)}</option>`).join('');
    if (picker.value) {
      const picked = await api(`metrics/${encodeURIComponent(name)}/chart?name=${encodeURIComponent(picker.value)}`);
      view.querySelector('#picked-chart').innerHTML = chart(picked);
    }
  });
}

// ---- Tokens ----
async function showTokens() {
  const roles = await api('roles');
  view.innerHTML = `<p>A development token (12 h) for each built-in role, as <code>./run.sh token ROLE</code> prints it:
      <code>curl -H "Authorization: Bearer $TOKEN" …</code></p>
    <div class="filters"><label>team (sales managers) <input id="token-team" size="12"></label></div>
    <table id="tokens">${roles.map(r => `<tr><td>${esc(r)}</td><td><button data-role="${esc(r)}">Get token</button></td><td style="width:70%"><textarea readonly id="token-${esc(r)}" hidden></textarea></td></tr>`).join('')}</table>`;
  view.querySelectorAll('button[data-role]').forEach(b => b.onclick = async () => {
    const { token } = await api('tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: b.dataset.role, team: view.querySelector('#token-team').value }) });
    const area = view.querySelector(`#token-${CSS.escape(b.dataset.role)}`);
    area.hidden = false;
    area.value = token;
    area.select();
  });
}

window.addEventListener('hashchange', route);
route();
