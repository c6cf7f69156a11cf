// The operator console: plain DOM, no framework. Everything the server or a device supplies is
// rendered with textContent, never as HTML. It polls the server's JSON API every two seconds.

const token = new URLSearchParams(location.search).get('token');
const state = {
  devices: [],
  selected: undefined,
  detail: undefined,
  session: undefined,
  traceKey: '',
  authorities: [],
  scenarios: [],
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers['x-ota-token'] = token;
  const init = { headers };
  if (body !== undefined) {
    init.method = 'POST';
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  if (!res.ok) throw new Error(text.trim() || `HTTP ${res.status}`);
  return text ? JSON.parse(text) : undefined;
}

function time(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function say(text, bad = false) {
  const r = $('result');
  r.textContent = text;
  r.className = bad ? 'result bad' : 'result';
}

const OUTCOME_WORDS = {
  completed: 'completed',
  'in-progress': 'in progress',
  'aborted-by-client': 'aborted by the device',
  'auth-failed': 'authentication failed',
  abandoned: 'abandoned',
};

function renderDevices() {
  const list = $('devices');
  list.replaceChildren();
  if (state.devices.length === 0) {
    list.append(
      el(
        'li',
        { class: 'hint' },
        'No device yet. A device appears when it opens a session, connects to the push channel, or is added below.',
      ),
    );
  }
  for (const d of state.devices) {
    const last = d.sessions.at(-1);
    const model = [d.devInfo['./DevInfo/Man'], d.devInfo['./DevInfo/Mod']].filter(Boolean).join(' ');
    const status = d.inSession
      ? 'in session now'
      : last
        ? `last session ${time(last.started)}: ${OUTCOME_WORDS[last.outcome] ?? last.outcome}`
        : 'no session yet';
    const push = d.pushChannel.connected > 0 ? 'push channel open' : 'push channel closed';
    const queued = d.scenarios.length > 0 ? `scenario queued: ${d.scenarios[0].title}` : '';
    list.append(
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            'aria-current': state.selected === d.devId ? 'true' : 'false',
            onclick: () => select(d.devId),
          },
          el('span', { class: 'id' }, d.devId),
          el('span', { class: 'meta' }, [model, status, push, queued].filter(Boolean).join(' · ')),
        ),
      ),
    );
  }
}

/** A table with one header row; the caller appends the tbody. */
function headedTable(...headings) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', {}, h)))));
}

/** Scenario log entries in step order: keys are dotted step numbers ("2", "2.1", "10"). */
function byLogKey(a, b) {
  const x = a.key.split('.').map(Number);
  const y = b.key.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

function renderDetail() {
  const d = state.detail;
  $('device-actions').hidden = !d;
  if (!d) return;
  $('device-title').textContent = d.devId;
  const accounts = Object.entries(d.accounts).map(
    ([id, a]) => `${id}: client ${a.clientName} (${a.authType}), server auth ${a.serverAuthType}`,
  );
  const facts = [
    d.devInfo['./DevInfo/Man'] && `${d.devInfo['./DevInfo/Man']} ${d.devInfo['./DevInfo/Mod'] ?? ''}`,
    d.imsi && `IMSI ${d.imsi}`,
    `known since ${time(d.firstSeen)} (${d.registered === 'auto' ? 'auto-registered, demo secrets' : d.registered})`,
    d.pushChannel.connected > 0
      ? 'push channel open'
      : `push channel closed${d.pushChannel.waiting ? `, ${d.pushChannel.waiting} push(es) waiting` : ''}`,
    ...accounts,
  ].filter(Boolean);
  $('device-facts').textContent = facts.join(' · ');

  const runs = $('runs');
  runs.replaceChildren();
  const shown = [
    ...d.scenarios.map((r, i) => ({ ...r, label: i === 0 ? 'current' : 'queued' })),
    ...(d.history ?? [])
      .slice(-3)
      .reverse()
      .map((r) => ({ ...r, label: 'finished' })),
  ];
  for (const run of shown) {
    const stateClass = run.state === 'passed' ? 'ok' : run.state === 'failed' ? 'bad' : '';
    const box = el('div', { class: 'card' });
    box.append(
      el(
        'h3',
        {},
        `${run.title} `,
        el('span', { class: `state ${stateClass}` }, `${run.label} · ${run.state}`),
      ),
      run.reason ? el('p', { class: 'bad' }, run.reason) : '',
    );
    if (run.log && run.log.length > 0) {
      const table = headedTable('Step', 'Target', 'Status', 'Answer');
      const body = el('tbody');
      for (const entry of [...run.log].sort(byLogKey)) {
        const statusCell = entry.skipped
          ? el(
              'span',
              { class: 'skip' },
              entry.skipped === 'condition'
                ? 'skipped (condition)'
                : `not answered${entry.note ? `: ${entry.note}` : ''}`,
            )
          : el(
              'span',
              { class: entry.ok ? 'ok' : 'bad' },
              el('span', { class: 'code' }, String(entry.status ?? '?')),
              ` ${entry.statusText ?? ''}`,
              entry.ok ? '' : ` (expected ${entry.expected.join(' or ')})`,
            );
        body.append(
          el(
            'tr',
            {},
            el('td', {}, entry.title),
            el('td', { class: 'uri' }, entry.targets.join('\n')),
            el('td', {}, statusCell),
            el('td', { class: 'uri' }, entry.data ?? ''),
          ),
        );
      }
      table.append(body);
      box.append(table);
    } else if (run.label !== 'finished') {
      box.append(el('p', { class: 'hint' }, 'Waiting for the device to connect.'));
    }
    runs.append(box);
  }

  $('sessions-title').hidden = d.sessions.length === 0;
  const sessions = $('sessions');
  sessions.replaceChildren();
  for (const s of [...d.sessions].reverse()) {
    sessions.append(
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            'aria-current': state.session === s.index ? 'true' : 'false',
            onclick: () => openSession(s.index),
          },
          `Session ${s.sessionId} with ${s.serverId} · ${time(s.started)} · ${s.initiator ?? ''}${s.initiator ? '-initiated · ' : ''}${s.encoding.toUpperCase()} · ${s.messages} messages · ${OUTCOME_WORDS[s.outcome] ?? s.outcome}${s.scenario ? ` · ${s.scenario}` : ''}`,
        ),
      ),
    );
  }
}

function renderTrace(trace) {
  const box = $('trace');
  box.replaceChildren();
  if (!trace) return;
  box.append(el('h3', {}, `Trace of session ${trace.SessionID} (${trace.serverId})`));
  if (trace.reason)
    box.append(el('p', { class: 'hint' }, `Outcome: ${trace.outcome ?? 'in progress'}: ${trace.reason}`));
  const table = headedTable('From', 'Command', 'Target', 'Status', 'Result');
  const body = el('tbody');
  for (const c of trace.commands) {
    const label = c.kind === 'Alert' ? `Alert ${c.alert} ${c.alertText ?? ''}` : c.kind;
    const statuses = c.statuses.map((s) =>
      el(
        'div',
        { class: s.code >= 200 && s.code < 300 ? 'ok' : 'bad', title: s.meaning },
        el('span', { class: 'code' }, String(s.code)),
        ` ${s.text}${s.items.length ? `: ${s.items.join(', ')}` : ''}`,
      ),
    );
    const results = c.results.flatMap((r) =>
      r.items.map((i) => el('div', { class: 'uri' }, `${i.source ? `${i.source} = ` : ''}${i.data}`)),
    );
    body.append(
      el(
        'tr',
        {},
        el('td', {}, c.from === 'server' ? 'server' : 'device'),
        el(
          'td',
          {},
          c.parent ? `  ↳ ${label}` : label,
          c.summary ? el('div', { class: 'hint' }, c.summary) : '',
        ),
        el('td', { class: 'uri' }, [...c.targets, ...c.sources].join('\n')),
        el(
          'td',
          {},
          statuses.length
            ? statuses
            : el('span', { class: 'skip' }, c.from === 'server' ? 'no status yet' : ''),
        ),
        el('td', {}, results),
      ),
    );
  }
  table.append(body);
  box.append(table);
  if (trace.events.length > 0) {
    box.append(
      el('h3', {}, 'Server notes'),
      el(
        'ul',
        { class: 'events' },
        trace.events.map((e) => el('li', { class: e.level === 'info' ? '' : 'bad' }, e.text)),
      ),
    );
  }
  box.append(el('h3', {}, 'Messages'));
  for (const m of trace.messages) {
    box.append(
      el(
        'details',
        {},
        el(
          'summary',
          {},
          `${m.direction === 'in' ? 'Device → server' : 'Server → device'} · message ${m.MsgID ?? '?'} · ${m.size} bytes ${m.encoding ? m.encoding.toUpperCase() : ''}${m.final === false ? ' · not final' : ''}`,
        ),
        el('pre', {}, m.text || m.decodeError || '(not decodable)'),
      ),
    );
  }
}

async function openSession(index) {
  state.session = index;
  state.traceKey = '';
  await refreshTrace();
  renderDetail();
}

async function refreshTrace() {
  if (state.selected === undefined || state.session === undefined) return;
  try {
    const trace = await api(`/api/devices/${encodeURIComponent(state.selected)}/sessions/${state.session}`);
    const key = `${trace.messages.length}:${trace.outcome ?? ''}`;
    if (key !== state.traceKey) {
      state.traceKey = key;
      renderTrace(trace);
    }
  } catch {
    renderTrace(undefined);
  }
}

async function select(devId) {
  state.selected = devId;
  state.session = undefined;
  state.traceKey = '';
  renderTrace(undefined);
  say('');
  await refresh();
}

async function refresh() {
  try {
    state.devices = await api('/api/devices');
    if (state.selected !== undefined)
      state.detail = await api(`/api/devices/${encodeURIComponent(state.selected)}`);
    renderDevices();
    renderDetail();
    await refreshTrace();
  } catch (error) {
    say(`The server did not answer: ${error.message}`, true);
  }
}

function fillSelect(select, options) {
  select.replaceChildren(...options.map(([value, label]) => el('option', { value }, label)));
}

async function init() {
  const large = $('large');
  large.checked = localStorage.getItem('console-large') === '1';
  document.body.classList.toggle('large', large.checked);
  large.addEventListener('change', () => {
    document.body.classList.toggle('large', large.checked);
    localStorage.setItem('console-large', large.checked ? '1' : '0');
  });
  try {
    state.authorities = await api('/api/authorities');
    state.scenarios = await api('/api/scenarios');
  } catch (error) {
    say(`The server did not answer: ${error.message}`, true);
    return;
  }
  $('authorities').textContent = state.authorities
    .map((a) => `${a.name} (${a.serverId}) at ${a.url}`)
    .join(' · ');
  fillSelect(
    $('scenario'),
    state.scenarios.map((s) => [s.name, s.title]),
  );
  const describe = () => {
    const s = state.scenarios.find((x) => x.name === $('scenario').value);
    $('scenario-description').textContent = s ? (s.description ?? '') : '';
  };
  $('scenario').addEventListener('change', describe);
  describe();
  fillSelect(
    $('push-authority'),
    state.authorities.map((a) => [a.serverId, a.name]),
  );
  const cpScenarios = state.scenarios.filter((s) => s.pushes.includes('cp'));
  fillSelect($('push-kind'), [
    ['package0', 'Notification (package 0)'],
    ['cp-bootstrap', 'DM account by CP (w7)'],
    ['dm-bootstrap', 'DM account by DM bootstrap'],
    ...cpScenarios.map((s) => [`cp:${s.name}`, `CP settings: ${s.title}`]),
  ]);

  $('add-device').addEventListener('submit', async (e) => {
    e.preventDefault();
    const devId = $('new-device').value.trim();
    if (!devId) return;
    try {
      await api('/api/devices', { device: devId });
      $('new-device').value = '';
      await select(devId);
      say(`${devId} added with demo credentials.`);
    } catch (error) {
      say(error.message, true);
    }
  });

  $('scenario-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!state.selected) return;
    const body = { device: state.selected, scenario: $('scenario').value };
    const start = $('scenario-start').value;
    if (start) body.notify = start;
    try {
      const out = await api('/api/scenarios/start', body);
      const pushes = out.pushes.map(
        (p) =>
          `${p.title}: ${p.delivered ? 'delivered' : 'waiting for the device'}${p.userEntry ? `, the user types ${p.userEntry}` : p.pin ? `, PIN ${p.pin}` : ''}`,
      );
      say([`Scenario queued (position ${out.queuedAt + 1}).`, ...pushes].join(' '));
      await refresh();
    } catch (error) {
      say(error.message, true);
    }
  });

  $('push-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!state.selected) return;
    const kind = $('push-kind').value;
    const body = {
      device: state.selected,
      authority: $('push-authority').value,
      sec: $('push-sec').value,
      uiMode: $('push-uimode').value,
    };
    const pin = $('push-pin').value.trim();
    if (pin) body.pin = pin;
    if (kind.startsWith('cp:')) {
      body.kind = 'cp';
      body.fromScenario = kind.slice(3);
    } else body.kind = kind;
    try {
      const out = await api('/api/push', body);
      const secret = out.userEntry ? ` The user types ${out.userEntry}.` : out.pin ? ` PIN ${out.pin}.` : '';
      say(
        `${out.event.title}: ${out.delivered ? 'delivered' : 'waiting for the device to open its push channel'}.${secret}`,
      );
      await refresh();
    } catch (error) {
      say(error.message, true);
    }
  });

  await refresh();
  setInterval(refresh, 2000);
}

init();
