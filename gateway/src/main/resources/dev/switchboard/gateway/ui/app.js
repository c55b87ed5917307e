// The gateway's dashboard. Plain script, no libraries, nothing loaded from elsewhere (the page's
// Content-Security-Policy forbids it). The admin key lives in sessionStorage only, for this tab, and goes out
// as an Authorization header on the dashboard's own JSON requests; it is never put in a URL or a cookie.
'use strict';

const KEY = 'switchboard.admin-key';
const POLL_MS = 5000;
const PAGES = ['overview', 'spend', 'requests'];
const PALETTE = ['#1f4e79', '#b35806', '#2d6a4f', '#7b2d8b', '#8c2d19', '#3d5a80', '#6b4f00', '#005f73'];

let timer = null;
let current = null;

class Refused extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function $(id) { return document.getElementById(id); }

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

async function api(path, key) {
  const k = key !== undefined ? key : sessionStorage.getItem(KEY);
  const headers = { 'Accept': 'application/json' };
  if (k) headers['Authorization'] = 'Bearer ' + k;
  const r = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const message = body && body.error && body.error.message ? body.error.message : 'HTTP ' + r.status;
    throw new Refused(r.status, message);
  }
  return body;
}

// ------------------------------------------------------------------------------------------ signing in

async function start() {
  $('login-form').addEventListener('submit', ev => { ev.preventDefault(); signIn(); });
  $('logout').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => show(page()));
  for (const id of ['spend-range', 'spend-group', 'spend-measure']) $(id).addEventListener('change', refresh);
  try {
    // A stored key from this tab, or none at all when the gateway has no keys.
    await api('/ui/api/overview');
    enter();
  } catch (e) {
    sessionStorage.removeItem(KEY);
    showLogin('');
  }
}

async function signIn() {
  const key = $('key').value.trim();
  $('login-error').textContent = '';
  if (!key) { $('login-error').textContent = 'Enter an admin key.'; $('key').focus(); return; }
  try {
    await api('/ui/api/overview', key);
  } catch (e) {
    $('login-error').textContent = e.status === 403
      ? 'This key is not an admin key: the dashboard needs one (admin = true in its switchboard.gateway.keys block).'
      : e.status === 401 ? 'The gateway does not know this key.' : 'The gateway could not be asked: ' + e.message;
    $('key').select();
    return;
  }
  sessionStorage.setItem(KEY, key);
  $('key').value = '';
  enter();
}

function signOut() {
  sessionStorage.removeItem(KEY);
  showLogin('');
}

function showLogin(message) {
  stopPolling();
  for (const p of PAGES) $(p).hidden = true;
  $('nav').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('key').focus();
}

function enter() {
  $('login').hidden = true;
  $('nav').hidden = false;
  show(page());
}

function page() {
  const p = location.hash.replace('#', '');
  return PAGES.includes(p) ? p : 'overview';
}

function show(p) {
  if (!$('login').hidden) return;
  current = p;
  for (const q of PAGES) {
    $(q).hidden = q !== p;
    const link = $('nav-' + q);
    if (q === p) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  stopPolling();
  refresh();
  if (p !== 'spend') timer = setInterval(refresh, POLL_MS);
}

function stopPolling() {
  if (timer) clearInterval(timer);
  timer = null;
}

async function refresh() {
  const p = current;
  try {
    if (p === 'overview') overview(await api('/ui/api/overview'));
    else if (p === 'requests') requests(await api('/ui/api/requests'));
    else if (p === 'spend') await spend();
  } catch (e) {
    if (e.status === 401 || e.status === 403) { sessionStorage.removeItem(KEY); showLogin('Sign in again: ' + e.message); }
    else if (p === 'spend') $('spend-error').textContent = e.message;
  }
}

// ------------------------------------------------------------------------------------------ formatting

function ms(v) { return v === null || v === undefined ? '–' : v < 10 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms'; }
function pair(a, b) { return ms(a) + ' / ' + ms(b); }
function pct(v) { return (v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0) + '%'; }
function usd(v) {
  const n = Number(v);
  if (n === 0) return '$0';
  return '$' + (Math.abs(n) < 1 ? n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '') : n.toFixed(2));
}
function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}
function stateCell(state) {
  const td = el('td');
  td.appendChild(el('span', state, 'state state-' + state.replace(/\s+/g, '-')));
  return td;
}
function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

// ------------------------------------------------------------------------------------------ overview

function overview(o) {
  $('overview-updated').textContent = time(o.now);
  fill($('providers').tBodies[0], o.providers.map(p => {
    const tr = el('tr');
    tr.dataset.provider = p.name;
    tr.appendChild(el('th', p.name)).setAttribute('scope', 'row');
    tr.appendChild(stateCell(p.state));
    tr.appendChild(el('td', p.until ? time(p.until) : '–'));
    let why = p.fix || p.why || '';
    if (p.state === 'cooling down' && p.last_failure) {
      why = p.last_failure.kind + ': ' + p.last_failure.description;
    } else if (!why && p.last_failure) {
      why = 'last failure ' + time(p.last_failure.at) + ', ' + p.last_failure.kind + ': ' + p.last_failure.description;
    }
    tr.appendChild(el('td', why || '–', 'why'));
    return tr;
  }));
  fill($('routes').tBodies[0], o.routes.map(r => {
    const tr = el('tr');
    tr.dataset.route = r.name;
    tr.appendChild(el('th', r.name)).setAttribute('scope', 'row');
    const targets = el('td');
    const list = el('ul', null, 'targets');
    for (const t of r.targets) {
      const li = el('li', t.target + ' ');
      li.appendChild(el('span', t.state, 'state state-' + t.state.replace(/\s+/g, '-')));
      list.appendChild(li);
    }
    targets.appendChild(r.targets.length ? list : el('span', 'direct'));
    tr.appendChild(targets);
    for (const w of [r.last_5m, r.last_60m]) {
      tr.appendChild(el('td', w.per_minute.toFixed(w.per_minute < 10 ? 2 : 0), 'num'));
      tr.appendChild(el('td', w.requests ? pct(w.error_rate) : '–', 'num'));
      tr.appendChild(el('td', pair(w.latency_p50_ms, w.latency_p95_ms), 'num'));
      tr.appendChild(el('td', pair(w.first_content_p50_ms, w.first_content_p95_ms), 'num'));
      tr.appendChild(el('td', w.requests, 'num'));
    }
    return tr;
  }));
}

// ------------------------------------------------------------------------------------------ spend

function buckets(now, unit) {
  const out = [];
  const end = new Date(now);
  if (unit === 'hour') {
    end.setUTCMinutes(0, 0, 0);
    for (let i = 23; i >= 0; i--) out.push(new Date(end.getTime() - i * 3600e3).toISOString().replace('.000Z', 'Z'));
  } else {
    end.setUTCHours(0, 0, 0, 0);
    for (let i = 29; i >= 0; i--) out.push(new Date(end.getTime() - i * 86400e3).toISOString().slice(0, 10));
  }
  return out;
}

async function spend() {
  $('spend-error').textContent = '';
  const unit = $('spend-range').value;
  const group = $('spend-group').value;
  const measure = $('spend-measure').value;
  const now = (await api('/ui/api/overview')).now; // the gateway's clock, not this browser's
  const slots = buckets(now, unit);
  const query = '/v1/usage?from=' + encodeURIComponent(slots[0]) + '&group-by=' + group + ',' + unit;
  const [report, totals] = await Promise.all([
    api(query).catch(e => ({ failed: e.message, data: [] })),
    api('/v1/usage')]);
  if (report.failed) $('spend-error').textContent = report.failed;
  const rows = report.data;
  const groups = [...new Set(rows.map(r => r[group]))].sort();
  let total = 0, tokens = 0, calls = 0;
  for (const r of rows) { total += Number(r.cost_usd); tokens += r.total_tokens; calls += r.requests; }
  $('spend-total').textContent = 'Total ' + usd(total) + ' for ' + tokens + ' tokens in ' + calls + ' requests';
  $('spend-total').dataset.costUsd = String(total);
  chart(slots, groups, rows, group, unit, measure);
  $('spend-group-head').textContent = group;
  fill($('spend-table').tBodies[0], rows.map(r => {
    const tr = el('tr');
    tr.appendChild(el('td', unit === 'hour' ? time(r.hour) : r.day));
    tr.appendChild(el('td', r[group]));
    tr.appendChild(el('td', r.requests, 'num'));
    tr.appendChild(el('td', r.input_tokens, 'num'));
    tr.appendChild(el('td', r.output_tokens, 'num'));
    tr.appendChild(el('td', usd(r.cost_usd), 'num'));
    return tr;
  }));
  budgets(totals.budgets || { routes: {}, keys: {} });
}

function chart(slots, groups, rows, group, unit, measure) {
  const W = 720, H = 260, left = 64, bottom = 28, top = 10;
  const value = r => Number(r[measure]);
  const stacks = new Map(slots.map(s => [s, []]));
  for (const r of rows) {
    const slot = r[unit];
    if (stacks.has(slot)) stacks.get(slot).push(r);
  }
  let max = 0;
  for (const list of stacks.values()) max = Math.max(max, list.reduce((a, r) => a + value(r), 0));
  const box = $('spend-chart-box');
  const label = measure === 'cost_usd' ? 'Cost' : 'Tokens';
  const s = svg('svg', { id: 'spend-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'spend-chart-title' });
  const title = svg('title', { id: 'spend-chart-title' });
  title.textContent = label + ' per ' + unit + ' grouped by ' + group;
  s.appendChild(title);
  s.appendChild(svg('line', { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }));
  const fmt = v => measure === 'cost_usd' ? usd(v) : String(Math.round(v));
  const maxLabel = svg('text', { x: left - 6, y: top + 10, 'text-anchor': 'end', class: 'tick' });
  maxLabel.textContent = fmt(max);
  s.appendChild(maxLabel);
  const zero = svg('text', { x: left - 6, y: H - bottom, 'text-anchor': 'end', class: 'tick' });
  zero.textContent = '0';
  s.appendChild(zero);
  const step = (W - left) / slots.length;
  slots.forEach((slot, i) => {
    let y = H - bottom;
    for (const r of stacks.get(slot)) {
      const h = max > 0 ? value(r) / max * (H - bottom - top) : 0;
      y -= h;
      const rect = svg('rect', { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: Math.max(h, value(r) > 0 ? 1 : 0),
        fill: PALETTE[groups.indexOf(r[group]) % PALETTE.length], class: 'bar', 'data-cost-usd': r.cost_usd,
        'data-group': r[group], 'data-bucket': slot });
      const t = svg('title');
      t.textContent = r[group] + ', ' + (unit === 'hour' ? time(slot) : slot) + ': ' + usd(r.cost_usd) + ', '
        + r.total_tokens + ' tokens, ' + r.requests + ' requests';
      rect.appendChild(t);
      s.appendChild(rect);
    }
    if (i % (unit === 'hour' ? 4 : 5) === 0 || i === slots.length - 1) {
      const tick = svg('text', { x: left + i * step + step / 2, y: H - 8, 'text-anchor': 'middle', class: 'tick' });
      tick.textContent = unit === 'hour' ? slot.slice(11, 16) : slot.slice(5);
      s.appendChild(tick);
    }
  });
  box.replaceChildren(s);
  $('spend-caption').textContent = label + ' per ' + unit + ' (UTC), stacked by ' + group + '; hover a bar for its figures.';
  fill($('spend-legend'), groups.map((g, i) => {
    const li = el('li');
    const sw = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' });
    sw.appendChild(svg('rect', { width: 12, height: 12, fill: PALETTE[i % PALETTE.length] }));
    li.appendChild(sw);
    li.appendChild(document.createTextNode(' ' + g));
    return li;
  }));
}

function budgets(b) {
  const rows = [];
  for (const [kind, all] of [['route', b.routes || {}], ['key', b.keys || {}]]) {
    for (const [name, v] of Object.entries(all)) {
      const tr = el('tr');
      tr.appendChild(el('th', kind + ' ' + name)).setAttribute('scope', 'row');
      tr.appendChild(el('td', v.period));
      tr.appendChild(el('td', usd(v.amount_usd), 'num'));
      tr.appendChild(el('td', usd(v.spent_usd), 'num'));
      tr.appendChild(el('td', usd(v.reserved_usd), 'num'));
      const left = Math.max(0, Number(v.amount_usd) - Number(v.spent_usd) - Number(v.reserved_usd));
      tr.appendChild(el('td', v.exceeded ? 'none (exceeded)' : usd(left), 'num'));
      tr.appendChild(el('td', time(v.resets_at)));
      rows.push(tr);
    }
  }
  if (!rows.length) {
    const tr = el('tr');
    const td = el('td', 'No budgets are configured (budget { amount, period } in a route or key block).');
    td.colSpan = 7;
    tr.appendChild(td);
    rows.push(tr);
  }
  fill($('budgets').tBodies[0], rows);
}

// ------------------------------------------------------------------------------------------ requests

function requests(r) {
  $('requests-count').textContent = r.data.length + ' kept of the last ' + r.capacity;
  fill($('requests-table').tBodies[0], r.data.map(c => {
    const tr = el('tr');
    tr.dataset.id = c.id;
    tr.appendChild(el('td', time(c.at)));
    tr.appendChild(el('td', c.route));
    tr.appendChild(el('td', c.key || '–'));
    tr.appendChild(el('td', c.provider));
    tr.appendChild(el('td', c.status, c.status >= 400 ? 'num bad' : 'num'));
    tr.appendChild(el('td', ms(c.latency_ms) + (c.stream ? ' (first token ' + ms(c.first_content_ms) + ')' : ''), 'num'));
    const td = el('td');
    const list = el('ol', null, 'trail');
    for (const a of c.attempts) {
      const li = el('li', null, 'attempt outcome-' + a.outcome);
      li.appendChild(el('span', a.provider + (a.model ? '/' + a.model : ''), 'who'));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', a.outcome.replace(/_/g, ' '), 'outcome'));
      if (a.error_kind) li.appendChild(document.createTextNode(' (' + a.error_kind + (a.error ? ': ' + a.error : '') + ')'));
      if (a.outcome !== 'skipped_cooldown' && a.outcome !== 'skipped_local_limit' && a.outcome !== 'skipped_unsupported') {
        li.appendChild(document.createTextNode(' ' + ms(a.latency_ms)));
      }
      list.appendChild(li);
    }
    td.appendChild(c.attempts.length ? list : el('span', '–'));
    if (c.prompt !== undefined) { // only with switchboard.telemetry.capture-content = true
      const text = el('details', null, 'content');
      text.appendChild(el('summary', 'Prompt and answer'));
      text.appendChild(el('p', 'Prompt: ' + c.prompt, 'prompt'));
      text.appendChild(el('p', 'Answer: ' + (c.answer || ''), 'answer'));
      td.appendChild(text);
    }
    tr.appendChild(td);
    return tr;
  }));
}

document.addEventListener('DOMContentLoaded', start);
