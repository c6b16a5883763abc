// hopnhat admin UI: a small single-page app over the JSON API. No framework and no CDN (the
// agency LAN has no internet); text reaches the page only through textContent, never as HTML.
'use strict';

const T = {
  vi: {
    dashboard: 'Tổng quan', queue: 'Hàng chờ xử lý', decisions: 'Quyết định', runs: 'Lần đồng bộ', audit: 'Nhật ký',
    login: 'Đăng nhập', logout: 'Đăng xuất', user: 'Tên đăng nhập', password: 'Mật khẩu', bad_login: 'Sai tên đăng nhập hoặc mật khẩu',
    persons: 'Người trong danh sách', open_conflicts: 'Xung đột đang mở', orphaned: 'Quyết định cần xem lại',
    value_mismatch: 'Các nguồn khác nhau', match_review: 'Nghi trùng người', 'value_mismatch:deferred': 'Khác nhau (hoãn)',
    'match_review:deferred': 'Nghi trùng (hoãn)', last_runs: 'Các lần đồng bộ gần đây',
    rules: 'Quy tắc hàng loạt', rule_d: 'quy tắc hàng loạt', rule_decision_rule: 'quy tắc hàng loạt của cán bộ',
    rule_field: 'Thông tin', rule_source: 'tin nguồn', rule_when: 'Khi nào', when_always: 'luôn luôn', when_agrees_with_cccd: 'khi khớp với CCCD',
    preview: 'Xem trước', apply_rule: 'Áp dụng quy tắc', rule_cases: 'xung đột đang mở sẽ được quyết định', rules_in_force: 'Quy tắc đang áp dụng',
    rule_applied: 'Đã áp dụng quy tắc số', admin_only: 'Chỉ quản trị viên áp dụng được quy tắc',
    settled: 'quy tắc đã quyết', settled_cases: 'Khác nhau đã được quy tắc quyết', severity: 'Mức độ', high: 'cao', medium: 'trung bình', low: 'thấp',
    by_severity: 'Nghiêm trọng trước', open_cases: 'Đang mở', settled_hint: 'Quy tắc đã chọn giá trị này; chọn hoặc nhập giá trị khác nếu quy tắc sai.',
    as_wholes: 'Xét cả hai người', mean_over: 'xác suất trung bình trên', pairs: 'cặp hồ sơ',
    oversized_person: 'Một người có quá nhiều hồ sơ', 'oversized_person:deferred': 'Quá nhiều hồ sơ (hoãn)',
    confirm: 'Xác nhận là một người', confirm_d: 'xác nhận một người', split_pair: 'Hai hồ sơ này là hai người khác nhau',
    oversized_hint: 'Mỗi nguồn thường chỉ có một hai hồ sơ của một người; nhiều hơn thường là những người trùng tên bị ghép nối tiếp nhau.',
    unit_unresolved: 'Tên đơn vị chưa xác định', 'unit_unresolved:deferred': 'Tên đơn vị (hoãn)',
    unit_split: 'Đơn vị đã chia tách', 'unit_split:deferred': 'Đơn vị chia tách (hoãn)', unit_d: 'xác định đơn vị',
    posting_disputed: 'Nơi công tác hiện nay không thống nhất', 'posting_disputed:deferred': 'Nơi công tác (hoãn)',
    posting_d: 'xác định nơi công tác', posting_is: 'Đang công tác tại', posting_since: 'từ', posting_by: 'theo',
    posting_hint: 'Các nguồn ghi những đơn vị khác nhau là nơi người này đang công tác; chọn nơi đúng. Câu trả lời giữ nguyên cho các lần đồng bộ sau.',
    unit_written: 'Tên đơn vị ghi trong hồ sơ', unit_persons: 'người ghi tên này, ví dụ', unit_is: 'Là đơn vị',
    unit_code: 'Mã đơn vị', save_unit: 'Lưu mã đơn vị',
    unit_hint: 'Câu trả lời được lưu thành tên gọi khác của đơn vị và giữ nguyên cho mọi lần đồng bộ sau.',
    unit_split_hint: 'Đơn vị cũ đã được chia cho nhiều đơn vị mới; chọn đơn vị mà những người ghi tên này đã chuyển sang.',
    now_is: 'nay là', now_maybe: 'nay có thể là',
    timeline: 'Quá trình công tác, lương và sinh hoạt đảng', period_kind: 'Loại', period_from: 'Từ ngày', period_to: 'Đến ngày',
    period_what: 'Nội dung', period_sources: 'Nguồn', period_posting: 'Công tác', period_grade: 'Ngạch, bậc', period_party: 'Đảng',
    until_now: 'nay', date_unknown: '(không rõ)', golden_unit: 'đơn vị trong bản ghi hợp nhất',
    units_nav: 'Đơn vị', units_title: 'Đơn vị và biên chế', as_of: 'Tính đến ngày', show: 'Xem', code: 'Mã',
    unit_name: 'Tên đơn vị', unit_kind: 'Khối', headcount: 'Số người', heads: 'Cấp trưởng', deputies: 'Cấp phó',
    predecessors: 'Hình thành từ', kind_party: 'Đảng', kind_state: 'Chính quyền', kind_other: 'Khác',
    unplaced: 'Chưa xếp được vào đơn vị', unit_text: 'Tên ghi trong hồ sơ', maybe: 'Có thể là',
    reason_unresolved: 'không nhận ra', reason_ambiguous: 'trùng nhiều đơn vị', reason_split: 'đơn vị đã chia tách',
    reason_ended: 'đơn vị đã giải thể', reason_none: 'không ghi đơn vị', in_units: 'người trong các đơn vị', total_persons: 'tổng số người',
    answer_in_queue: 'Trả lời trong hàng chờ',
    kind: 'Loại', unit: 'Đơn vị', source: 'Nguồn', age: 'Mở ít nhất (ngày)', sort: 'Sắp xếp', all: 'Tất cả', filter: 'Lọc',
    oldest: 'Cũ nhất trước', newest: 'Mới nhất trước', by_person: 'Theo tên', by_kind: 'Theo loại',
    id: 'Số', field: 'Thông tin', person: 'Người', sources: 'Nguồn', opened: 'Mở từ', days: 'ngày', status: 'Trạng thái',
    page: 'Trang', prev: '‹ Trước', next: 'Sau ›', none: 'Không còn xung đột nào. 🎉', of: 'trên',
    conflict: 'Xung đột', records_side: 'Các hồ sơ gốc', record: 'Hồ sơ', run: 'lần', golden: 'Giá trị hợp nhất',
    explanation: 'Vì sao nghi trùng', prior: 'Xác suất ban đầu', weight: 'Trọng số', total: 'Tổng', probability: 'Xác suất',
    choose: 'Chọn giá trị này', same: 'Cùng một người', different: 'Hai người khác nhau', defer: 'Hoãn lại',
    typed: 'Nhập giá trị đúng', reason: 'Lý do', note: 'Ghi chú (không bắt buộc)', save_value: 'Lưu giá trị',
    saved: 'Đã lưu quyết định số', keys: 'Phím tắt', undo: 'Hoàn tác', undone: 'Đã hoàn tác quyết định số',
    history: 'Lịch sử thay đổi', before: 'Trước', after: 'Sau', when: 'Thời gian', by: 'Người quyết định', rule: 'Quy tắc',
    linked: 'đã ghép', review: 'chờ duyệt', started: 'Bắt đầu', read: 'Đọc', created: 'Mới', updated: 'Cập nhật',
    actor: 'Người làm', action: 'Việc', detail: 'Chi tiết', chain_ok: 'Chuỗi nhật ký nguyên vẹn', chain_bad: 'Chuỗi nhật ký bị sửa tại mục',
    entries: 'mục', value: 'Giá trị', chosen_from: 'lấy từ', no_history: 'Chưa có thay đổi', forbidden: 'Bạn chỉ có quyền xem',
    busy: 'Đang đồng bộ, hãy thử lại sau ít phút', kind_label: 'Loại xung đột', decision_kind: 'Quyết định',
    same_d: 'cùng một người', different_d: 'hai người khác nhau', choose_d: 'chọn giá trị', value_d: 'nhập giá trị', defer_d: 'hoãn',
    rule_source_priority: 'ưu tiên nguồn', rule_agreement: 'các nguồn thống nhất', rule_only_value: 'chỉ một nguồn có', rule_decision: 'quyết định của cán bộ', rule_more_precise: 'giá trị đầy đủ hơn', rule_consistent_with_cccd: 'khớp với số CCCD', rule_consistent_with_place: 'tỉnh của số CCCD khớp quê quán/nơi sinh', rule_explains_others: 'các giá trị khác đều là lỗi gõ của giá trị này', rule_valid_value: 'giá trị hợp lệ', rule_plausible_spelling: 'cách viết không có lỗi gõ',
    rule_recency: 'mới cập nhật nhất',
  },
  en: {
    dashboard: 'Dashboard', queue: 'Conflict queue', decisions: 'Decisions', runs: 'Runs', audit: 'Audit log',
    login: 'Log in', logout: 'Log out', user: 'User name', password: 'Password', bad_login: 'Wrong user name or password',
    persons: 'Persons', open_conflicts: 'Open conflicts', orphaned: 'Decisions to look at again',
    value_mismatch: 'Sources disagree', match_review: 'Possible match', 'value_mismatch:deferred': 'Disagree (deferred)',
    'match_review:deferred': 'Possible match (deferred)', last_runs: 'Last runs',
    rules: 'Bulk rules', rule_d: 'bulk rule', rule_decision_rule: 'administrators\' bulk rule',
    rule_field: 'Field', rule_source: 'trust source', rule_when: 'When', when_always: 'always', when_agrees_with_cccd: 'when it agrees with the CCCD',
    preview: 'Preview', apply_rule: 'Apply the rule', rule_cases: 'open cases it would decide', rules_in_force: 'Rules in force',
    rule_applied: 'Applied rule no.', admin_only: 'Only admins apply rules',
    settled: 'settled by the rules', settled_cases: 'Disagreements the rules settled', severity: 'Severity', high: 'high', medium: 'medium', low: 'low',
    by_severity: 'Most severe first', open_cases: 'Open', settled_hint: 'The rules chose this value; choose or type another if they are wrong.',
    as_wholes: 'The persons as wholes', mean_over: 'mean probability over', pairs: 'pairs of records',
    oversized_person: 'Person with too many records', 'oversized_person:deferred': 'Too many records (deferred)',
    confirm: 'Confirm: one person', confirm_d: 'confirmed one person', split_pair: 'These two records are different persons',
    oversized_hint: 'Each source holds a person once or twice; more records are mostly namesakes chained together.',
    unit_unresolved: 'Unit name not resolved', 'unit_unresolved:deferred': 'Unit name (deferred)',
    unit_split: 'Unit split over several', 'unit_split:deferred': 'Unit split (deferred)', unit_d: 'unit answered',
    posting_disputed: 'Current posting in dispute', 'posting_disputed:deferred': 'Posting (deferred)',
    posting_d: 'posting answered', posting_is: 'Works at', posting_since: 'since', posting_by: 'per',
    posting_hint: 'The sources name different units as where this person works now; choose the right one. The answer holds on later runs.',
    unit_written: 'Unit as the records write it', unit_persons: 'persons write it, for example', unit_is: 'It is',
    unit_code: 'Unit code', save_unit: 'Save the unit code',
    unit_hint: 'The answer is kept as another name of the unit and holds on every later run.',
    unit_split_hint: 'The old unit was split over several new ones; choose where those who write this name went.',
    now_is: 'now', now_maybe: 'now perhaps',
    timeline: 'Postings, grades and party history', period_kind: 'Kind', period_from: 'From', period_to: 'To',
    period_what: 'What', period_sources: 'Sources', period_posting: 'Posting', period_grade: 'Grade', period_party: 'Party',
    until_now: 'now', date_unknown: '(unknown)', golden_unit: 'the golden record\'s unit',
    units_nav: 'Units', units_title: 'Units and headcount', as_of: 'As of', show: 'Show', code: 'Code',
    unit_name: 'Unit', unit_kind: 'Kind', headcount: 'Headcount', heads: 'Heads', deputies: 'Deputies',
    predecessors: 'Formed from', kind_party: 'Party', kind_state: 'State', kind_other: 'Other',
    unplaced: 'Not placed in a unit', unit_text: 'As the records write it', maybe: 'May be',
    reason_unresolved: 'not recognised', reason_ambiguous: 'matches several units', reason_split: 'unit split',
    reason_ended: 'unit ended', reason_none: 'no unit written', in_units: 'persons in the units', total_persons: 'persons in all',
    answer_in_queue: 'Answer in the queue',
    kind: 'Kind', unit: 'Unit', source: 'Source', age: 'Open at least (days)', sort: 'Sort', all: 'All', filter: 'Filter',
    oldest: 'Oldest first', newest: 'Newest first', by_person: 'By name', by_kind: 'By kind',
    id: 'No.', field: 'Field', person: 'Person', sources: 'Sources', opened: 'Opened', days: 'days', status: 'Status',
    page: 'Page', prev: '‹ Previous', next: 'Next ›', none: 'No conflicts left. 🎉', of: 'of',
    conflict: 'Conflict', records_side: 'Source records', record: 'Record', run: 'run', golden: 'Golden value',
    explanation: 'Why this may be a match', prior: 'Prior', weight: 'Weight', total: 'Total', probability: 'Probability',
    choose: 'Choose this value', same: 'Same person', different: 'Different persons', defer: 'Defer',
    typed: 'Type the correct value', reason: 'Reason', note: 'Note (optional)', save_value: 'Save value',
    saved: 'Saved decision no.', keys: 'Keys', undo: 'Undo', undone: 'Undid decision no.',
    history: 'History of changes', before: 'Before', after: 'After', when: 'When', by: 'Decided by', rule: 'Rule',
    linked: 'linked', review: 'in review', started: 'Started', read: 'Read', created: 'New', updated: 'Updated',
    actor: 'Actor', action: 'Action', detail: 'Detail', chain_ok: 'Audit chain intact', chain_bad: 'Audit chain broken at entry',
    entries: 'entries', value: 'Value', chosen_from: 'from', no_history: 'No changes yet', forbidden: 'You can only read',
    busy: 'A sync is running; try again in a few minutes', kind_label: 'Conflict kind', decision_kind: 'Decision',
    same_d: 'same person', different_d: 'different persons', choose_d: 'chose a value', value_d: 'typed a value', defer_d: 'deferred',
    rule_source_priority: 'source priority', rule_agreement: 'sources agree', rule_only_value: 'only one source has it', rule_decision: 'administrator\'s decision', rule_more_precise: 'more precise value', rule_consistent_with_cccd: 'consistent with the CCCD', rule_consistent_with_place: 'the CCCD\'s province matches the home town or birth place', rule_explains_others: 'the other values are each one typing error from it', rule_valid_value: 'a valid value', rule_plausible_spelling: 'spelling without a typing error',
    rule_recency: 'most recent',
  },
};

let lang = localStorage.getItem('hopnhat.lang') || 'vi';
let me = null;  // {user, role, csrf}
let queueIds = [];
const t = (k) => (T[lang][k] !== undefined ? T[lang][k] : k);
const $ = (sel) => document.querySelector(sel);

// h('td', {class: 'num'}, 'text', child…): an element whose text is set safely.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 3500);
}

async function api(method, path, body) {
  const headers = {'Content-Type': 'application/json'};
  if (method === 'POST' && me) headers['X-CSRF-Token'] = me.csrf;
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin'});
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== '/api/login') { me = null; location.hash = '#/login'; throw new Error(data.error || '401'); }
  if (res.status === 503) { toast(t('busy')); }
  if (!res.ok) throw Object.assign(new Error(data.error || res.statusText), {status: res.status});
  return data;
}

// A page is built first and shown only if the user has not moved on meanwhile (see route).
function page(title, ...content) { return {title, content}; }
function show(view) {
  const main = $('#main');
  main.replaceChildren(h('h1', {}, view.title), ...view.content.flat(2).filter((c) => c !== null && c !== undefined && c !== false));
  document.title = view.title + ' — hopnhat';
  conflictPage.keys = view.keys || null;
  main.focus();
  if (view.focus) view.focus();
}

function badge(text, cls) { return h('span', {class: 'badge ' + (cls || text)}, t(text)); }
function fmtDate(iso) { return iso ? iso.replace('T', ' ').replace('Z', '') : ''; }
function shownValue(field, v) {
  if (v && /_date$/.test(field) && /^\d{4}(-\d{2}){0,2}$/.test(v)) return v.split('-').reverse().join('/');
  return v === undefined || v === null ? '' : v;
}
function label(labels, field) { return labels && labels[field] ? labels[field][lang] : field; }
function canDecide() { return me && (me.role === 'reviewer' || me.role === 'admin'); }

function renderNav(active) {
  const links = [['#/', 'dashboard'], ['#/conflicts', 'queue'], ['#/rules', 'rules'], ['#/decisions', 'decisions'], ['#/units', 'units_nav'], ['#/runs', 'runs'], ['#/audit', 'audit']];
  $('#nav').replaceChildren(...(me ? links.map(([href, k]) => h('a', {href, class: active === k ? 'active' : ''}, t(k))) : []));
  $('#who').replaceChildren(...(me ? [me.user + ' (' + me.role + ') ', h('a', {href: '#/logout', id: 'logout'}, t('logout'))] : []));
  $('#lang').textContent = lang === 'vi' ? 'EN' : 'VI';
}

// Pages.
function loginPage() {
  renderNav('');
  const err = h('p', {class: 'error', id: 'login-error'});
  const form = h('form', {class: 'login panel', id: 'login-form'},
    h('label', {}, t('user'), h('input', {name: 'user', id: 'user', autocomplete: 'username', required: true})),
    h('label', {}, t('password'), h('input', {name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true})),
    err, h('button', {class: 'action', type: 'submit'}, t('login')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('POST', '/api/login', {user: form.user.value, password: form.password.value});
      me = {user: r.user, role: r.role, csrf: r.csrf};
      location.hash = '#/conflicts';
    } catch (ex) { err.textContent = ex.status === 401 ? t('bad_login') : ex.message; }
  });
  return Object.assign(page(t('login'), form), {focus: () => form.user.focus()});
}

async function dashboard() {
  const d = await api('GET', '/api/dashboard');
  const open = Object.values(d.conflicts).reduce((a, b) => a + b, 0);
  const cards = h('div', {class: 'cards'},
    h('div', {class: 'card'}, t('persons'), h('div', {class: 'big', id: 'persons-count'}, d.persons)),
    h('a', {class: 'card', href: '#/conflicts'}, t('open_conflicts'), h('div', {class: 'big', id: 'open-count'}, open)),
    ...Object.entries(d.conflicts).map(([k, n]) => h('a', {class: 'card', href: '#/conflicts?kind=' + k.split(':')[0]}, t(k), h('div', {class: 'big'}, n))),
    h('a', {class: 'card', href: '#/conflicts?status=settled'}, t('settled_cases'), h('div', {class: 'big', id: 'settled-count'}, d.settled || 0)),
    h('a', {class: 'card', href: '#/decisions'}, t('orphaned'), h('div', {class: 'big'}, d.orphaned_decisions)));
  return page(t('dashboard'), cards, h('h2', {}, t('last_runs')), runsTable(d.runs));
}

function runsTable(runs) {
  return h('table', {},
    h('tr', {}, ['#', t('started'), t('status'), t('persons'), t('open_conflicts')].map((x) => h('th', {}, x))),
    runs.map((r) => h('tr', {},
      h('td', {}, r.id), h('td', {}, fmtDate(r.started_at)), h('td', {}, badge(r.status), r.dry_run ? ' (dry run)' : ''),
      h('td', {class: 'num'}, r.persons && r.persons.total !== undefined ? r.persons.total : ''),
      h('td', {class: 'num'}, r.conflicts && r.conflicts.open !== undefined ? r.conflicts.open : ''))));
}

async function queue(params) {
  const q = new URLSearchParams(params);
  if (!q.get('page')) q.set('page', '1');
  const d = await api('GET', '/api/conflicts?' + q.toString());
  queueIds = d.items.map((c) => c.id);
  const sel = (name, options) => h('label', {}, t(name === 'min_age_days' ? 'age' : name),
    h('select', {name, id: 'f-' + name}, options.map(([v, text]) => h('option', {value: v, selected: q.get(name) === v || undefined}, text))));
  const form = h('form', {class: 'filters', id: 'filters'},
    sel('status', [['open', t('open_cases')], ['settled', t('settled_cases')]]),
    sel('kind', [['', t('all')], ['value_mismatch', t('value_mismatch')], ['match_review', t('match_review')],
      ['oversized_person', t('oversized_person')], ['unit_unresolved', t('unit_unresolved')], ['unit_split', t('unit_split')],
      ['posting_disputed', t('posting_disputed')]]),
    sel('unit', [['', t('all')], ...d.units.map((u) => [u, u])]),
    sel('source', [['', t('all')], ...d.sources.map((s) => [s, s])]),
    h('label', {}, t('age'), h('input', {name: 'min_age_days', type: 'number', min: 0, value: q.get('min_age_days') || '', size: 4})),
    sel('sort', [['severity', t('by_severity')], ['oldest', t('oldest')], ['newest', t('newest')], ['person', t('by_person')], ['kind', t('by_kind')]]),
    h('button', {class: 'action secondary', type: 'submit'}, t('filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const el of form.elements) if (el.name && el.value) p.set(el.name, el.value);
    location.hash = '#/conflicts?' + p.toString();
  });
  const rows = d.items.map((c) => {
    const tr = h('tr', {class: 'clickable', tabindex: 0, 'data-id': c.id},
      h('td', {}, c.id), h('td', {}, t(c.kind)), h('td', {}, c.kind === 'value_mismatch' || isUnitCase(c) ? c.field : ''),
      h('td', {}, c.person_name, h('div', {class: 'muted'}, c.person_id)), h('td', {}, c.unit), h('td', {}, c.sources.join(', ')),
      h('td', {}, c.age_days + ' ' + t('days')), h('td', {}, badge(c.severity_label)), h('td', {}, badge(c.status)));
    const open = () => { location.hash = '#/conflicts/' + c.id; };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    return tr;
  });
  const pages = Math.max(1, Math.ceil(d.total / d.per_page));
  const go = (p) => { q.set('page', String(p)); location.hash = '#/conflicts?' + q.toString(); };
  const pager = h('div', {class: 'pager'},
    h('button', {class: 'action secondary', disabled: d.page <= 1 || undefined, onclick: () => go(d.page - 1)}, t('prev')),
    h('span', {}, t('page') + ' ' + d.page + ' ' + t('of') + ' ' + pages + ' (' + d.total + ')'),
    h('button', {class: 'action secondary', disabled: d.page >= pages || undefined, onclick: () => go(d.page + 1)}, t('next')));
  const table = d.items.length ? h('table', {id: 'queue'},
    h('tr', {}, [t('id'), t('kind'), t('field'), t('person'), t('unit'), t('sources'), t('opened'), t('severity'), t('status')].map((x) => h('th', {}, x))), rows)
    : h('p', {id: 'queue-empty'}, t('none'));
  return page(t('queue'), form, table, pager);
}

function fold(s) { return (s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase().trim(); }

function recordsSideBySide(records, labels, highlightField) {
  const fields = [];
  for (const r of records) for (const f of Object.keys(r.fields || {})) if (!fields.includes(f)) fields.push(f);
  fields.sort((a, b) => Object.keys(labels).indexOf(a) - Object.keys(labels).indexOf(b));
  return h('table', {id: 'records'},
    h('tr', {}, h('th', {}, t('field')), records.map((r) => h('th', {}, r.source + ':' + r.record_id,
      h('div', {class: 'muted'}, (r.origin || '') + (r.changed_run ? ' · ' + t('run') + ' ' + r.changed_run : ''))))),
    fields.map((f) => {
      const values = records.map((r) => (r.fields || {})[f]);
      // Compared as normalised ("1" and "Nam" agree), shown as the source wrote them.
      const keys = records.map((r) => ((r.normalized || {})[f] !== undefined ? r.normalized[f] : (r.fields || {})[f]));
      const present = keys.filter((v) => v !== undefined && v !== '');
      const differ = new Set(present.map(fold)).size > 1;
      return h('tr', {}, h('th', {}, label(labels, f)),
        values.map((v) => h('td', {class: differ || f === highlightField ? 'diff' : ''}, v === undefined ? '' : v)));
    }));
}

function waterfall(e) {
  if (!e || e.error) return h('p', {class: 'muted'}, e ? e.error : '');
  const max = Math.max(1, ...e.terms.map((x) => Math.abs(x.weight)));
  const bar = (w) => h('span', {class: 'bar ' + (w >= 0 ? 'pos' : 'neg'), style: null, 'data-w': w}, '');
  const rows = e.terms.map((x) => {
    const b = bar(x.weight);
    b.style.width = Math.round(60 * Math.abs(x.weight) / max) + 'px';
    return h('tr', {}, h('td', {}, x.comparison), h('td', {}, x.a), h('td', {}, x.b), h('td', {}, x.level),
      h('td', {class: 'num'}, (x.weight >= 0 ? '+' : '') + x.weight.toFixed(2), ' ', b));
  });
  return h('table', {id: 'waterfall'},
    h('tr', {}, [t('field'), 'A', 'B', '', t('weight')].map((x) => h('th', {}, x))),
    h('tr', {}, h('td', {}, t('prior')), h('td', {}), h('td', {}), h('td', {}), h('td', {class: 'num'}, e.prior_weight.toFixed(2))),
    rows,
    h('tr', {}, h('th', {}, t('total')), h('td', {}), h('td', {}), h('td', {}), h('th', {class: 'num'}, e.total_weight.toFixed(2))),
    h('tr', {}, h('th', {}, t('probability')), h('td', {colspan: 3}, e.decision), h('th', {class: 'num'}, (100 * e.probability).toFixed(2) + ' %')),
    e.cluster && e.cluster.pairs > 1 ? h('tr', {id: 'cluster-view'}, h('th', {}, t('as_wholes')),
      h('td', {colspan: 3}, e.cluster.person_a + ' (' + e.cluster.records_a + ') ~ ' + e.cluster.person_b + ' (' + e.cluster.records_b + '): ' +
        t('mean_over') + ' ' + e.cluster.pairs + ' ' + t('pairs')),
      h('th', {class: 'num'}, (100 * e.cluster.mean_probability).toFixed(2) + ' %')) : null);
}

async function resolve(id, body) {
  try {
    const r = await api('POST', '/api/conflicts/' + id + '/resolve', body);
    toast(t('saved') + ' ' + r.decision.id);
    const i = queueIds.indexOf(Number(id));
    location.hash = i >= 0 && i + 1 < queueIds.length ? '#/conflicts/' + queueIds[i + 1] : '#/conflicts';
  } catch (ex) { $('#action-error').textContent = ex.message; }
}

function isUnitCase(c) { return c.kind === 'unit_unresolved' || c.kind === 'unit_split'; }

async function conflictPage(id) {
  const c = await api('GET', '/api/conflicts/' + id);
  const note = h('textarea', {id: 'note', placeholder: t('note')});
  const err = h('p', {class: 'error', id: 'action-error'});
  const act = (action, extra) => () => resolve(id, Object.assign({action, note: note.value}, extra || {}));
  const open = c.status === 'open' || c.status === 'deferred' || c.status === 'settled';  // settled: decide otherwise
  const decide = canDecide() && open;
  const buttons = [];
  let typed = null;
  if (c.kind === 'match_review') {
    buttons.push(h('button', {class: 'action', id: 'act-same', onclick: act('same')}, t('same'), ' ', h('span', {class: 'kbd'}, 'S')));
    buttons.push(h('button', {class: 'action', id: 'act-different', onclick: act('different')}, t('different'), ' ', h('span', {class: 'kbd'}, 'D')));
  } else if (c.kind === 'oversized_person') {
    buttons.push(h('button', {class: 'action', id: 'act-confirm', onclick: act('confirm')}, t('confirm'), ' ', h('span', {class: 'kbd'}, 'C')));
    const pick = (name) => h('select', {id: name}, c.candidates.map((cand) => h('option', {value: cand.id},
      cand.id + '. ' + cand.source + ':' + cand.record_id + ' — ' + (cand.value || ''))));
    const first = pick('split-a'), second = pick('split-b');
    if (second.options.length > 1) second.selectedIndex = 1;
    typed = h('form', {class: 'actions', id: 'split'}, h('strong', {}, t('split_pair') + ':'), first, second,
      h('button', {class: 'action secondary', type: 'submit', id: 'act-split'}, t('different'), ' ', h('span', {class: 'kbd'}, 'D')));
    typed.addEventListener('submit', (e) => {
      e.preventDefault();
      resolve(id, {action: 'different', candidates: [Number(first.value), Number(second.value)], note: note.value});
    });
  } else if (c.kind === 'posting_disputed') {
    c.candidates.forEach((cand) => buttons.push(h('button', {class: 'action', id: 'choose-' + cand.id, onclick: act('choose', {candidate: cand.id})},
      t('posting_is') + ': ' + cand.value + (cand.from ? ' ' + t('posting_since') + ' ' + shownValue('birth_date', cand.from) : '') +
      ' (' + t('posting_by') + ' ' + (cand.stated_by || []).join(', ') + ')', ' ', h('span', {class: 'kbd'}, String(cand.id)))));
  } else if (isUnitCase(c)) {
    c.candidates.forEach((cand) => buttons.push(h('button', {class: 'action', id: 'choose-' + cand.id, onclick: act('choose', {candidate: cand.id})},
      t('unit_is') + ': ' + cand.value, ' ', h('span', {class: 'kbd'}, String(cand.id)))));
    const input = h('input', {id: 'typed-value', placeholder: t('unit_code')});
    typed = h('form', {class: 'actions', id: 'typed'}, h('strong', {}, t('unit_code') + ':'), input,
      h('button', {class: 'action secondary', type: 'submit'}, t('save_unit'), ' ', h('span', {class: 'kbd'}, 'V')));
    typed.addEventListener('submit', (e) => { e.preventDefault(); resolve(id, {action: 'value', value: input.value, note: note.value}); });
  } else {
    c.candidates.forEach((cand) => buttons.push(h('button', {class: 'action', id: 'choose-' + cand.id, onclick: act('choose', {candidate: cand.id})},
      t('choose') + ': ' + shownValue(c.field, cand.value), ' ', h('span', {class: 'kbd'}, String(cand.id)))));
    const input = h('input', {id: 'typed-value', placeholder: t('value')});
    const reason = h('input', {id: 'typed-reason', placeholder: t('reason')});
    typed = h('form', {class: 'actions', id: 'typed'}, h('strong', {}, t('typed') + ':'), input, reason,
      h('button', {class: 'action secondary', type: 'submit'}, t('save_value'), ' ', h('span', {class: 'kbd'}, 'V')));
    typed.addEventListener('submit', (e) => { e.preventDefault(); resolve(id, {action: 'value', value: input.value, note: reason.value || note.value}); });
  }
  if (c.status !== 'deferred' && c.status !== 'settled') buttons.push(h('button', {class: 'action secondary', id: 'act-defer', onclick: act('defer')}, t('defer'), ' ', h('span', {class: 'kbd'}, 'L')));
  const golden = c.person.golden || {};
  const head = h('div', {class: 'panel'},
    h('div', {}, badge(c.status), ' ', t(c.kind), c.kind === 'value_mismatch' ? ' — ' + label(c.field_labels, c.field) : ''),
    c.status === 'settled' ? h('p', {class: 'muted', id: 'settled-hint'}, t('settled_hint')) : null,
    c.kind === 'posting_disputed' ? h('p', {class: 'muted', id: 'posting-hint'}, t('posting_hint')) : null,
    c.kind === 'oversized_person' ? h('p', {class: 'muted', id: 'oversized-hint'}, c.candidates.length + ' ' + t('records_side').toLowerCase() + '. ' + t('oversized_hint')) : null,
    isUnitCase(c) ? [h('div', {}, t('unit_written') + ': ', h('strong', {id: 'unit-text'}, c.field)),
      h('p', {class: 'muted', id: 'unit-hint'}, (c.kind === 'unit_split' ? t('unit_split_hint') + ' ' : '') + t('unit_hint'))] : null,
    h('div', {}, isUnitCase(c) ? (c.candidates.length ? c.candidates[0].persons : '') + ' ' + t('unit_persons') + ' ' : t('person') + ': ',
      h('a', {href: '#/persons/' + c.person_id}, (golden.full_name || {}).value || c.person_id), ' ',
      h('span', {class: 'muted'}, c.person_id + (golden.org_unit ? ' · ' + golden.org_unit.value : ''))),
    c.kind === 'value_mismatch' && golden[c.field] ? h('div', {}, t('golden') + ': ', h('strong', {id: 'golden-value'}, shownValue(c.field, golden[c.field].value)),
      h('span', {class: 'muted'}, ' (' + t('rule_' + golden[c.field].rule) + ', ' + golden[c.field].source + ':' + golden[c.field].record_id + ')')) : null);
  const decisions = c.decisions.length ? [h('h2', {}, t('decisions')), decisionsTable(c.decisions)] : [];
  const view = page(t('conflict') + ' #' + c.id, head,
    decide ? h('div', {class: 'panel', id: 'actions'}, h('div', {class: 'actions'}, buttons), typed, note, err) :
      (open ? h('p', {class: 'muted'}, t('forbidden')) : null),
    isUnitCase(c) || c.kind === 'posting_disputed' ? null : [h('h2', {}, t('records_side')), recordsSideBySide(c.records, c.field_labels, c.kind === 'value_mismatch' ? c.field : null)],
    c.kind === 'match_review' ? [h('h2', {}, t('explanation')), waterfall(c.explanation)] : [],
    ...decisions);
  // Keyboard: digits choose, S same, D different, L defer, V typed value, J/K next/previous case.
  view.keys = (e) => {
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
    const click = (sel) => { const b = $(sel); if (b) { e.preventDefault(); b.click(); } };
    if (/^[1-9]$/.test(e.key)) click('#choose-' + e.key);
    else if (e.key === 's' || e.key === 'S') click('#act-same');
    else if (e.key === 'd' || e.key === 'D') click($('#act-split') ? '#act-split' : '#act-different');
    else if (e.key === 'c' || e.key === 'C') click('#act-confirm');
    else if (e.key === 'l' || e.key === 'L') click('#act-defer');
    else if ((e.key === 'v' || e.key === 'V') && $('#typed-value')) { e.preventDefault(); $('#typed-value').focus(); }
    else if (e.key === 'j' || e.key === 'k') {
      const i = queueIds.indexOf(Number(id)), j = e.key === 'j' ? i + 1 : i - 1;
      if (i >= 0 && j >= 0 && j < queueIds.length) location.hash = '#/conflicts/' + queueIds[j];
    }
  };
  return view;
}

function decisionsTable(list) {
  return h('table', {class: 'decisions'},
    h('tr', {}, ['#', t('decision_kind'), t('person'), t('field'), t('value'), t('by'), t('when'), t('status'), ''].map((x) => h('th', {}, x))),
    list.map((d) => h('tr', {'data-id': d.id},
      h('td', {}, d.id), h('td', {}, t(d.kind + '_d')), h('td', {}, d.person_id ? h('a', {href: '#/persons/' + d.person_id}, d.person_id) : ''),
      h('td', {}, d.field), h('td', {}, d.rule ? d.rule.source + ' (' + t('when_' + d.rule.when) + ')' : d.value !== undefined ? shownValue(d.field, d.value) : ''),
      h('td', {}, d.author, d.note ? h('div', {class: 'muted'}, d.note) : null), h('td', {}, fmtDate(d.created_at)),
      h('td', {}, badge(d.status), d.status_note ? h('div', {class: 'muted'}, d.status_note) : null),
      h('td', {}, canDecide() && d.status !== 'undone' ? h('button', {class: 'action secondary', id: 'undo-' + d.id, onclick: async () => {
        try { await api('POST', '/api/decisions/' + d.id + '/undo', {}); toast(t('undone') + ' ' + d.id); route(); } catch (ex) { toast(ex.message); }
      }}, t('undo')) : null))));
}

async function decisionsPage() {
  const d = await api('GET', '/api/decisions');
  return page(t('decisions'), decisionsTable(d.decisions));
}

// Bulk rules: one decision for a class of cases, previewed (how many, which persons, which value)
// before an admin applies it; listed with the other decisions, and undone the same way.
async function rulesPage() {
  const d = await api('GET', '/api/rules');
  const field = h('select', {id: 'rule-field'}, ['birth_date', 'citizen_id', 'gender', 'full_name'].map((f) => h('option', {value: f}, f)));
  const source = h('select', {id: 'rule-source'}, d.sources.map((x) => h('option', {value: x}, x)));
  const when = h('select', {id: 'rule-when'}, ['agrees_with_cccd', 'always'].map((w) => h('option', {value: w}, t('when_' + w))));
  const note = h('input', {id: 'rule-note', placeholder: t('reason')});
  const err = h('p', {class: 'error', id: 'rule-error'});
  const result = h('div', {id: 'rule-preview'});
  const body = () => ({field: field.value, source: source.value, when: when.value});
  const previewButton = h('button', {class: 'action secondary', id: 'rule-preview-button', type: 'button', onclick: async () => {
    err.textContent = '';
    try {
      const p = await api('POST', '/api/rules/preview', body());
      result.replaceChildren(h('p', {id: 'rule-count'}, p.cases + ' ' + t('rule_cases')),
        h('table', {id: 'rule-items'}, h('tr', {}, ['#', t('person'), t('value'), t('source')].map((x) => h('th', {}, x))),
          p.items.slice(0, 200).map((i) => h('tr', {}, h('td', {}, h('a', {href: '#/conflicts/' + i.conflict_id}, i.conflict_id)),
            h('td', {}, h('a', {href: '#/persons/' + i.person_id}, i.person_id)), h('td', {}, shownValue(field.value, i.value)),
            h('td', {}, i.source + ':' + i.record_id)))));
    } catch (ex) { err.textContent = ex.message; }
  }}, t('preview'));
  const applyButton = h('button', {class: 'action', id: 'rule-apply', type: 'button', onclick: async () => {
    err.textContent = '';
    try {
      const r = await api('POST', '/api/rules', Object.assign(body(), {note: note.value}));
      toast(t('rule_applied') + ' ' + r.rule.id + ' (' + r.decided.cases + ')');
      route();
    } catch (ex) { err.textContent = ex.message; }
  }}, t('apply_rule'));
  const form = h('div', {class: 'panel', id: 'rule-form'},
    h('div', {class: 'actions'}, h('label', {}, t('rule_field'), ' ', field), h('label', {}, t('rule_source'), ' ', source),
      h('label', {}, t('rule_when'), ' ', when)),
    h('div', {class: 'actions'}, previewButton, note, me.role === 'admin' ? applyButton : h('span', {class: 'muted'}, t('admin_only'))),
    err, result);
  return page(t('rules'), canDecide() ? form : null, h('h2', {}, t('rules_in_force')), decisionsTable(d.rules));
}

// A place written before the 2025 reform, and what exists now (or what it may be now).
function nowNote(now) {
  if (!now) return null;
  const text = now.value ? t('now_is') + ' ' + now.value : t('now_maybe') + ' ' + now.candidates.join(' / ');
  return h('div', {class: 'muted place-now'}, '(' + text + ')');
}

async function personPage(id) {
  const p = await api('GET', '/api/persons/' + id);
  const g = p.golden;
  const fields = Object.keys(p.field_labels).filter((f) => g[f]);
  const goldenTable = h('table', {id: 'golden'},
    h('tr', {}, [t('field'), t('value'), t('source'), t('rule')].map((x) => h('th', {}, x))),
    fields.map((f) => h('tr', {}, h('th', {}, label(p.field_labels, f)), h('td', {'data-field': f}, shownValue(f, g[f].value), nowNote(g[f].now)),
      h('td', {}, g[f].source + ':' + g[f].record_id + ' · ' + t('run') + ' ' + g[f].run), h('td', {'data-rule': g[f].rule}, t('rule_' + g[f].rule)))));
  const history = p.history.length ? h('table', {id: 'history'},
    h('tr', {}, [t('when'), t('field'), t('before'), t('after')].map((x) => h('th', {}, x))),
    p.history.map((x) => h('tr', {}, h('td', {}, fmtDate(x.at)), h('td', {}, label(p.field_labels, x.field)),
      h('td', {}, shownValue(x.field, x.old)), h('td', {}, shownValue(x.field, x.new))))) : h('p', {class: 'muted'}, t('no_history'));
  // The person's periods as the host merged them from every record (docs/organisation.md).
  const day = (iso) => /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4) : iso;
  const timeline = p.timeline.length ? [h('h2', {}, t('timeline')), h('table', {id: 'timeline'},
    h('tr', {}, [t('period_kind'), t('period_from'), t('period_to'), t('period_what'), t('period_sources')].map((x) => h('th', {}, x))),
    p.timeline.map((x) => h('tr', {'data-kind': x.kind, 'data-unit': x.unit_code},
      h('td', {}, t('period_' + x.kind)), h('td', {}, x.from ? day(x.from) : t('date_unknown')),
      h('td', {}, x.to ? day(x.to) : t('until_now')), h('td', {}, ['unit', 'position', 'grade_code', 'salary_step', 'salary_coefficient', 'event', 'cell']
        .map((f) => x.fields[f]).filter((v) => v).join(', ')),
      h('td', {class: 'muted'}, x.sources.map((s) => s === 'golden:org_unit' ? t('golden_unit') : s).join(' · '))))) ] : [];
  return page(((g.full_name || {}).value || p.id) + ' (' + p.id + ')', goldenTable, timeline,
    h('h2', {}, t('records_side')), recordsSideBySide(p.records, p.field_labels, null),
    h('h2', {}, t('history')), history,
    p.decisions.length ? [h('h2', {}, t('decisions')), decisionsTable(p.decisions)] : [],
    p.conflicts.length ? [h('h2', {}, t('conflict')), h('ul', {}, p.conflicts.map((c) =>
      h('li', {}, h('a', {href: '#/conflicts/' + c.id}, '#' + c.id + ' ' + t(c.kind) + ' ' + (c.kind === 'match_review' ? '' : c.field)), ' ', badge(c.status))))] : []);
}

async function runsPage() {
  const d = await api('GET', '/api/runs');
  return page(t('runs'), h('table', {id: 'runs'},
    h('tr', {}, ['#', t('started'), t('status'), t('sources'), t('created'), t('updated'), t('open_conflicts'), t('decisions')].map((x) => h('th', {}, x))),
    d.runs.map((r) => h('tr', {},
      h('td', {}, r.id), h('td', {}, fmtDate(r.started_at)), h('td', {}, badge(r.status), r.error ? h('div', {class: 'error'}, r.error) : null),
      h('td', {}, r.sources.map((s) => h('div', {}, s.name + ': ' + t('read') + ' ' + s.read + (s.error ? ' — ' + s.error : '')))),
      h('td', {class: 'num'}, (r.persons || {}).created), h('td', {class: 'num'}, (r.persons || {}).updated),
      h('td', {class: 'num'}, (r.conflicts || {}).open), h('td', {class: 'num'}, (r.decisions || {}).applied)))));
}

async function auditPage() {
  const d = await api('GET', '/api/audit?limit=200');
  const v = d.verify;
  return page(t('audit'),
    h('p', {id: 'chain', class: v.intact ? '' : 'error'}, v.intact ? t('chain_ok') + ' (' + v.entries + ' ' + t('entries') + ')' : t('chain_bad') + ' ' + v.first_broken + ': ' + v.problem),
    h('table', {id: 'audit'},
      h('tr', {}, ['#', t('when'), t('actor'), t('action'), t('detail')].map((x) => h('th', {}, x))),
      d.entries.map((a) => h('tr', {}, h('td', {}, a.seq), h('td', {}, fmtDate(a.at)), h('td', {}, a.actor), h('td', {}, a.action),
        h('td', {class: 'muted'}, JSON.stringify(a.detail))))));
}

// The units valid on a date with their headcount, heads and deputies, and what the records name
// that is in no unit (issue #21); the date is in the address: #/units?as_of=2025-08-01.
async function unitsPage(params) {
  const q = new URLSearchParams(params.as_of ? {as_of: params.as_of} : {});
  const d = await api('GET', '/api/units?' + q.toString());
  const date = h('input', {type: 'date', name: 'as_of', id: 'as-of', value: d.as_of});
  const form = h('form', {class: 'filters', id: 'units-filter'}, h('label', {}, t('as_of'), date),
    h('button', {class: 'action secondary', type: 'submit'}, t('show')));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = '#/units?as_of=' + date.value; });
  const named = (code) => (d.names[code] || code) + ' (' + code + ')';
  const placed = d.units.reduce((a, u) => a + u.headcount, 0);
  const table = h('table', {id: 'units'},
    h('tr', {}, [t('code'), t('unit_name'), t('unit_kind'), t('headcount'), t('heads'), t('deputies'), t('predecessors')].map((x) => h('th', {}, x))),
    d.units.map((u) => h('tr', {'data-code': u.code},
      h('td', {}, u.code), h('td', {}, u.name), h('td', {}, t('kind_' + u.kind)), h('td', {class: 'num headcount'}, u.headcount),
      h('td', {class: 'num'}, u.heads), h('td', {class: 'num'}, u.deputies), h('td', {class: 'muted'}, u.predecessors.map(named).join(', ')))));
  const unplaced = d.unplaced.length ? [h('h2', {}, t('unplaced')), h('table', {id: 'unplaced'},
    h('tr', {}, [t('unit_text'), t('reason'), t('headcount'), t('maybe')].map((x) => h('th', {}, x))),
    d.unplaced.map((n) => h('tr', {}, h('td', {}, n.text || '—'), h('td', {}, t('reason_' + n.reason)), h('td', {class: 'num'}, n.persons),
      h('td', {class: 'muted'}, n.candidates.map(named).join(', '))))),
    h('p', {}, h('a', {href: '#/conflicts?kind=unit_unresolved', id: 'unit-cases'}, t('answer_in_queue')))] : [];
  return page(t('units_title'), form,
    h('p', {class: 'muted', id: 'units-total'}, placed + ' ' + t('in_units') + ' · ' + d.persons + ' ' + t('total_persons')),
    table, ...unplaced);
}

let routeSeq = 0;
async function route() {
  const mine = ++routeSeq;
  const render = (view) => { if (mine === routeSeq && view) show(view); };
  const hash = location.hash || '#/';
  const [path, qs] = hash.slice(1).split('?');
  if (path === '/logout') {
    try { await api('POST', '/api/logout', {}); } catch (ex) { /* the session may have ended already */ }
    me = null; location.hash = '#/login'; return;
  }
  if (path === '/login') return render(loginPage());
  if (!me) {
    try { me = await api('GET', '/api/me'); } catch (ex) { return; }
  }
  if (mine !== routeSeq) return;
  let m;
  try {
    if (path === '/' || path === '') { renderNav('dashboard'); return render(await dashboard()); }
    if (path === '/conflicts') { renderNav('queue'); return render(await queue(Object.fromEntries(new URLSearchParams(qs || '')))); }
    if ((m = path.match(/^\/conflicts\/(\d+)$/))) { renderNav('queue'); return render(await conflictPage(m[1])); }
    if ((m = path.match(/^\/persons\/([A-Za-z0-9_-]+)$/))) { renderNav(''); return render(await personPage(m[1])); }
    if (path === '/decisions') { renderNav('decisions'); return render(await decisionsPage()); }
    if (path === '/rules') { renderNav('rules'); return render(await rulesPage()); }
    if (path === '/units') { renderNav('units_nav'); return render(await unitsPage(Object.fromEntries(new URLSearchParams(qs || '')))); }
    if (path === '/runs') { renderNav('runs'); return render(await runsPage()); }
    if (path === '/audit') { renderNav('audit'); return render(await auditPage()); }
    render(page('404', h('p', {}, path)));
  } catch (ex) {
    if (ex.status !== 401) render(page(t('conflict'), h('p', {class: 'error'}, ex.message)));
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('keydown', (e) => { if (conflictPage.keys) conflictPage.keys(e); });
document.addEventListener('DOMContentLoaded', () => {
  document.documentElement.lang = lang;
  $('#lang').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('hopnhat.lang', lang);
    document.documentElement.lang = lang;
    route();
  });
  route();
});
