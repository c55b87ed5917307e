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
/** When the last answer came, and since when the gateway cannot be reached (null while it can), by this browser. */
let lastAnswer = null;
let unreachableSince = null;
let lastChart = null;

class Refused extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** The gateway did not answer at all (stopped, restarting, network down): not a refusal. */
class Unreachable extends Error {}

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
  let r;
  try {
    r = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch (e) {
    throw new Unreachable('the gateway cannot be reached');
  }
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
  window.addEventListener('resize', () => { if (lastChart) chart(...lastChart); });
  if (document.documentElement.dataset.keys === 'none') { enter(); return; } // the gateway has no keys
  if (!sessionStorage.getItem(KEY)) { showLogin(''); return; } // nothing is asked before there is a key
  try {
    await api('/ui/api/overview'); // the key this tab stored: still one the gateway takes?
    enter();
  } catch (e) {
    if (e instanceof Unreachable) { enter(); return; } // the pages say so, and recover when it answers
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
      ? 'This key is not an admin key: the dashboard needs one (admin = true in its switchboard.gateway.keys block,'
        + ' or the key listed in switchboard.gateway.admin-keys).'
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
  // Spend changes slowly and is read on demand; while the gateway cannot be reached every page retries.
  if (p !== 'spend' || unreachableSince) timer = setInterval(refresh, POLL_MS);
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
    reachable();
  } catch (e) {
    if (e instanceof Unreachable) unreachable();
    else if (e.status === 401 || e.status === 403) { sessionStorage.removeItem(KEY); showLogin('Sign in again: ' + e.message); }
    else if (p === 'spend') $('spend-error').textContent = e.message;
  }
}

// What is shown stays, marked stale, while the gateway does not answer; the next answer clears the mark.
function unreachable() {
  if (!unreachableSince) unreachableSince = new Date();
  document.body.classList.add('stale');
  const banner = $('connection');
  banner.textContent = 'The gateway cannot be reached since ' + clock(unreachableSince) + ' (this browser\'s clock). '
    + (lastAnswer ? 'What this page shows is from its last answer at ' + clock(lastAnswer) + ' and is out of date. '
      : 'Nothing could be read from it yet. ')
    + 'Trying again every 5 seconds.';
  banner.hidden = false;
  if (!timer) timer = setInterval(refresh, POLL_MS);
}

function reachable() {
  lastAnswer = new Date();
  if (!unreachableSince) return;
  unreachableSince = null;
  document.body.classList.remove('stale');
  $('connection').hidden = true;
  if (current === 'spend') stopPolling();
}

function clock(d) { return d.toISOString().slice(11, 19) + ' UTC'; }

// ------------------------------------------------------------------------------------------ formatting

function ms(v) { return v === null || v === undefined ? '–' : v < 1 ? v.toFixed(1) + ' ms' : Math.round(v) + ' ms'; }
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
/** A cell with the name of its column, which a narrow screen shows beside it when it stacks a row's cells. */
function cell(tag, text, cls, column) {
  const c = el(tag, text, cls);
  if (column) c.dataset.label = column;
  return c;
}
/** ISO instants inside a message (an attempt's reason) in the page's own format. */
function times(text) {
  return String(text).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, m => time(m));
}

// ------------------------------------------------------------------------------------------ overview

const WHY = {
  'probing': 'its cooldown has ended; the next call to it is a probe, and a success makes it ok again',
};

function overview(o) {
  $('overview-updated').textContent = time(o.now);
  fill($('providers').tBodies[0], o.providers.map(p => {
    const tr = el('tr');
    tr.dataset.provider = p.name;
    tr.appendChild(cell('th', p.name, null, 'Provider')).setAttribute('scope', 'row');
    const state = stateCell(p.state);
    state.dataset.label = 'State';
    tr.appendChild(state);
    // limited by what calls saw, not by the provider's own reset time: no end is known, only that it was recent
    const until = p.until ? time(p.until) : p.limited_at ? 'recently (last skipped ' + time(p.limited_at) + ')' : '–';
    tr.appendChild(cell('td', until, 'until', 'Until'));
    let why = p.fix || p.why || WHY[p.state] || '';
    if (p.state === 'cooling down') {
      // after a restart the state store still knows the failures' kind, not their messages
      why = p.last_failure ? p.last_failure.kind + ': ' + p.last_failure.description
        : (p.cooldown_cause ? p.cooldown_cause + ', ' : '') + 'seen before this gateway process started (or by'
          + ' another instance sharing its state); their messages are not kept';
    } else if (p.last_failure) {
      why = (why ? why + '; ' : '') + 'last failure ' + time(p.last_failure.at) + ', ' + p.last_failure.kind + ': '
        + p.last_failure.description;
    }
    tr.appendChild(cell('td', times(why) || '–', 'why', 'Why'));
    return tr;
  }));
  fill($('routes').tBodies[0], o.routes.map(r => {
    const tr = el('tr');
    tr.dataset.route = r.name;
    // "-": calls whose model named no route nor provider; a provider's name: calls that addressed it directly
    const name = r.name === '-' ? 'no route (unknown model)' : r.targets.length ? r.name : r.name + ' (direct)';
    tr.appendChild(cell('th', name, null, 'Route')).setAttribute('scope', 'row');
    const targets = cell('td', null, null, 'Targets');
    const list = el('ul', null, 'targets');
    for (const t of r.targets) {
      const li = el('li', t.target + ' ');
      li.appendChild(el('span', t.state, 'state state-' + t.state.replace(/\s+/g, '-')));
      list.appendChild(li);
    }
    targets.appendChild(r.targets.length ? list : el('span', 'direct calls (no route)'));
    tr.appendChild(targets);
    for (const [w, span] of [[r.last_5m, '5 min'], [r.last_60m, '60 min']]) {
      tr.appendChild(cell('td', w.per_minute.toFixed(w.per_minute < 10 ? 2 : 0), 'num', span + ': req/min'));
      tr.appendChild(cell('td', w.requests ? pct(w.error_rate) : '–', 'num', span + ': errors'));
      tr.appendChild(cell('td', pair(w.latency_p50_ms, w.latency_p95_ms), 'num', span + ': p50 / p95'));
      tr.appendChild(cell('td', pair(w.first_content_p50_ms, w.first_content_p95_ms), 'num', span + ': first token'));
      tr.appendChild(cell('td', w.requests, 'num', span + ': calls'));
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
  const unit = $('spend-range').value;
  const group = $('spend-group').value;
  const measure = $('spend-measure').value;
  const now = (await api('/ui/api/overview')).now; // the gateway's clock, not this browser's
  const slots = buckets(now, unit);
  const query = '/v1/usage?from=' + encodeURIComponent(slots[0]) + '&group-by=' + group + ',' + unit;
  const [report, totals] = await Promise.all([
    api(query).catch(e => { if (e instanceof Unreachable) throw e; return { failed: e.message, data: [] }; }),
    api('/v1/usage')]);
  $('spend-error').textContent = report.failed || '';
  // Without a usage log there is nothing to chart: the explanation alone, no totals of zero that contradict it.
  $('spend-report').hidden = !!report.failed;
  budgets(totals.budgets || { routes: {}, keys: {} });
  if (report.failed) return;
  // Spend is the answered calls': a group of unanswered calls only (refused, failed before any content) costs nothing.
  const rows = report.data.filter(r => r.requests > 0);
  const groups = [...new Set(rows.map(r => r[group]))].sort();
  let total = 0, tokens = 0, calls = 0;
  for (const r of rows) { total += Number(r.cost_usd); tokens += r.total_tokens; calls += r.requests; }
  $('spend-total').textContent = 'Total ' + usd(total) + ' for ' + tokens + ' tokens in ' + calls + ' requests';
  $('spend-total').dataset.costUsd = String(total);
  chart(slots, groups, rows, group, unit, measure);
  $('spend-group-head').textContent = group;
  fill($('spend-table').tBodies[0], rows.map(r => {
    const tr = el('tr');
    tr.appendChild(cell('td', unit === 'hour' ? time(r.hour) : r.day, null, 'Bucket'));
    tr.appendChild(cell('td', r[group], 'name', group));
    tr.appendChild(cell('td', r.requests, 'num', 'Requests'));
    tr.appendChild(cell('td', r.input_tokens, 'num', 'Input tokens'));
    tr.appendChild(cell('td', r.output_tokens, 'num', 'Output tokens'));
    tr.appendChild(cell('td', usd(r.cost_usd), 'num', 'Cost'));
    return tr;
  }));
}

// Drawn at the box's own width in CSS pixels, so its text is as large on a phone as on a laptop.
function chart(slots, groups, rows, group, unit, measure) {
  lastChart = [slots, groups, rows, group, unit, measure];
  const box = $('spend-chart-box');
  const W = Math.max(280, Math.round(box.clientWidth || 720)), H = W < 500 ? 220 : 260;
  const left = 64, bottom = 28, top = 12;
  const value = r => Number(r[measure]);
  const stacks = new Map(slots.map(s => [s, []]));
  for (const r of rows) {
    const slot = r[unit];
    if (stacks.has(slot)) stacks.get(slot).push(r);
  }
  let max = 0;
  for (const list of stacks.values()) max = Math.max(max, list.reduce((a, r) => a + value(r), 0));
  const label = measure === 'cost_usd' ? 'Cost' : 'Tokens';
  const s = svg('svg', { id: 'spend-chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
    'aria-labelledby': 'spend-chart-title' });
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
  const every = Math.max(1, Math.ceil(48 / step)); // a label needs about 48 px
  slots.forEach((slot, i) => {
    let y = H - bottom;
    for (const r of stacks.get(slot)) {
      const h = max > 0 ? value(r) / max * (H - bottom - top) : 0;
      y -= h;
      const figures = r[group] + ', ' + (unit === 'hour' ? time(slot) : slot) + ': ' + usd(r.cost_usd) + ', '
        + r.total_tokens + ' tokens, ' + r.requests + ' requests';
      const rect = svg('rect', { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: Math.max(h, value(r) > 0 ? 2 : 0),
        fill: PALETTE[groups.indexOf(r[group]) % PALETTE.length], class: 'bar', 'data-cost-usd': r.cost_usd,
        'data-group': r[group], 'data-bucket': slot, tabindex: 0, role: 'button', 'aria-label': figures });
      const t = svg('title');
      t.textContent = figures;
      rect.appendChild(t);
      // a phone has no hover: a tap (or focus from the keyboard) shows the figures under the chart
      const pick = () => {
        $('spend-detail').textContent = figures;
        for (const b of s.querySelectorAll('rect.bar')) b.classList.toggle('picked', b === rect);
      };
      rect.addEventListener('click', pick);
      rect.addEventListener('focus', pick);
      s.appendChild(rect);
    }
    const last = i === slots.length - 1;
    if ((i % every === 0 && i + every <= slots.length - 1) || last) {
      // the last label ends at the right edge instead of overflowing it
      const tick = svg('text', { x: last ? W - 1 : left + i * step + step / 2, y: H - 8,
        'text-anchor': last ? 'end' : 'middle', class: 'tick' });
      tick.textContent = unit === 'hour' ? slot.slice(11, 16) : slot.slice(5);
      s.appendChild(tick);
    }
  });
  box.replaceChildren(s);
  $('spend-detail').textContent = '';
  $('spend-caption').textContent = label + ' per ' + unit + ' (UTC), stacked by ' + group
    + '; tap or hover a bar (or tab to it) for its figures.';
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
      tr.dataset.budget = kind + ' ' + name;
      tr.appendChild(cell('th', kind + ' ' + name, 'name', 'Budget')).setAttribute('scope', 'row');
      tr.appendChild(cell('td', v.period, null, 'Period'));
      tr.appendChild(cell('td', usd(v.amount_usd), 'num', 'Amount'));
      tr.appendChild(cell('td', usd(v.spent_usd), 'num', 'Spent'));
      tr.appendChild(cell('td', usd(v.reserved_usd), 'num', 'Held by calls in flight'));
      const left = Math.max(0, Number(v.amount_usd) - Number(v.spent_usd) - Number(v.reserved_usd));
      const leftCell = cell('td', usd(left), 'num left', 'Left');
      if (v.exceeded) { // spent, or too little left for a call: it was refused
        leftCell.appendChild(el('br'));
        leftCell.appendChild(el('strong', 'refusing calls' + (v.last_refused_at ? ' since ' + time(v.last_refused_at) : ''),
          'refusing'));
      }
      tr.appendChild(leftCell);
      tr.appendChild(cell('td', time(v.resets_at), null, 'Resets at'));
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

const SKIPS = ['skipped_cooldown', 'skipped_local_limit', 'skipped_unsupported'];

function requests(r) {
  $('requests-count').textContent = r.data.length + ' kept of the last ' + r.capacity;
  fill($('requests-table').tBodies[0], r.data.map(c => {
    const tr = el('tr');
    tr.dataset.id = c.id;
    const when = cell('td', time(c.at), null, 'Finished');
    when.appendChild(el('br'));
    when.appendChild(el('code', c.id, 'request-id')); // the x-request-id header of the answer
    tr.appendChild(when);
    tr.appendChild(cell('td', c.route === '-' ? 'no route' : c.route, 'name', 'Route'));
    tr.appendChild(cell('td', c.key || '–', 'name', 'Key'));
    tr.appendChild(cell('td', c.provider === '-' ? 'none' : c.provider, 'name', 'Answered by'));
    tr.appendChild(cell('td', c.status, c.status >= 400 ? 'num bad' : 'num', 'Status'));
    tr.appendChild(cell('td', ms(c.latency_ms) + (c.stream ? ' (first token ' + ms(c.first_content_ms) + ')' : ''), 'num', 'Time'));
    const td = cell('td', null, 'attempts', 'Attempts');
    if (c.error) { // the error answer the client got
      td.appendChild(el('p', c.error.type + (c.error.code ? ' / ' + c.error.code : '') + ': ' + times(c.error.message),
        'answer-error'));
    }
    const list = el('ol', null, 'trail');
    for (const a of c.attempts) {
      const li = el('li', null, 'attempt outcome-' + a.outcome);
      li.appendChild(el('span', a.provider + (a.model ? '/' + a.model : ''), 'who'));
      li.appendChild(document.createTextNode(' '));
      const skipped = SKIPS.includes(a.outcome);
      li.appendChild(el('span', skipped ? 'skipped' : a.outcome.replace(/_/g, ' '), 'outcome'));
      if (skipped) {
        const why = a.error ? a.error.replace(/^skipped:\s*/, '') : a.outcome.slice('skipped_'.length).replace(/_/g, ' ');
        li.appendChild(document.createTextNode(': ' + times(why)));
      } else {
        li.appendChild(document.createTextNode((a.outcome === 'answered' || a.outcome === 'resumed' ? ' in ' : ' after ')
          + ms(a.latency_ms)));
        if (a.error_kind) li.appendChild(document.createTextNode(' (' + a.error_kind + (a.error ? ': ' + times(a.error) : '') + ')'));
      }
      list.appendChild(li);
    }
    if (c.attempts.length) td.appendChild(list);
    else if (!c.error) td.appendChild(el('span', '–'));
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
