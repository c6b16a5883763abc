// The units page in a real browser: on 2025-08-01 and on 2025-01-01 (chosen in the page's date
// field) every unit's headcount equals what `hopnhat units list` printed for that date (files
// BEFORE and AFTER); the merged unit names its predecessors; a unit name no unit answers to is
// listed, its case is answered from the queue with a unit's code, and the page then counts its
// persons in that unit; a person's home town of before 2025 shows the province of today; the
// page of a person with dated postings shows the periods `hopnhat persons` gives (MOVED_TIMELINE:
// [unit_code, from, to] each); a posting in dispute (case DISPUTE) shows its two postings and is
// answered by choosing one.
// Env: URL, AFTER, BEFORE, PERSON, NOW, MOVED, MOVED_TIMELINE, DISPUTE, CHROMIUM, OUT (folder for screenshots).
import {readFileSync} from 'node:fs';
import assert from 'node:assert/strict';
import {logIn, openBrowser, runTest, step, until} from './helpers.mjs';

const {URL, AFTER, BEFORE, OUT, PERSON, NOW, MOVED, MOVED_TIMELINE, DISPUTE} = process.env;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const after = JSON.parse(readFileSync(AFTER, 'utf8'));
const before = JSON.parse(readFileSync(BEFORE, 'utf8'));

// The units table once the page of `date` has rendered: code → headcount. A table that was on
// screen before is marked stale first (markStale), so that it is not read for the new one.
const markStale = (page) => page.evaluate(() => { const t = document.querySelector('#units'); if (t) t.dataset.stale = '1'; });
async function shownHeadcount(page, date) {
  await until(page, (d) => document.querySelector('#as-of')?.value === d && document.querySelector('#units:not([data-stale])'), date);
  return Object.fromEntries(await page.$$eval('#units tr[data-code]', (rows) =>
    rows.map((r) => [r.dataset.code, Number(r.querySelector('.headcount').textContent)])));
}
const expected = (list) => Object.fromEntries(list.units.map((u) => [u.code, u.headcount]));

const {browser, page, errors} = await openBrowser(CHROMIUM);
await runTest(OUT, {browser, page}, async () => {
  await logIn(page, URL, 'lan', 'mat-khau-reviewer');

  step('the units page on 2025-08-01, after the merger');
  await page.goto(`${URL}#/units?as_of=2025-08-01`);
  assert.deepEqual(await shownHeadcount(page, '2025-08-01'), expected(after));
  assert.equal(await page.locator('h1').textContent(), 'Đơn vị và biên chế');
  assert.match(await page.textContent('#units tr[data-code="TCNV"]'), /Phòng Tổ chức cán bộ \(TCCB\).*Phòng Nội vụ \(PNV\)/);
  assert.ok(await page.locator('#unplaced td', {hasText: 'Chi bộ Cơ quan'}).count() === 1);
  await page.screenshot({path: `${OUT}/units.png`});

  step('another date, chosen in the page');
  await markStale(page);
  await page.fill('#as-of', '2025-01-01');
  await page.click('#units-filter button[type=submit]');
  await page.waitForURL(/as_of=2025-01-01/);
  assert.deepEqual(await shownHeadcount(page, '2025-01-01'), expected(before));
  assert.equal(await page.locator('#units tr[data-code="TCNV"]').count(), 0);

  step('the unit name answered from its case');
  await page.click('#unit-cases');
  await until(page, () => document.querySelector('#f-kind')?.value === 'unit_unresolved' && document.querySelector('#queue'));
  await page.click('#queue tr[data-id]:has-text("Chi bộ Cơ quan")');
  await page.waitForSelector('#unit-text');
  assert.equal(await page.textContent('#unit-text'), 'Chi bộ Cơ quan');
  const caseHash = await page.evaluate(() => location.hash);
  await page.fill('#typed-value', 'NOPE');
  await page.click('#typed button[type=submit]');
  await until(page, () => /NOPE/.test(document.querySelector('#action-error').textContent));
  await page.fill('#typed-value', 'VP');
  await page.click('#typed button[type=submit]');
  await until(page, (h) => location.hash !== h, caseHash);

  step('the page counts them in VP now');
  const vp = after.units.find((u) => u.code === 'VP').headcount;
  const moved = after.unplaced.filter((n) => n.text === 'Chi bộ Cơ quan').reduce((a, n) => a + n.persons, 0);
  await page.goto(`${URL}#/units?as_of=2025-08-01`);
  await until(page, () => document.querySelector('#as-of')?.value === '2025-08-01' && document.querySelector('#units'));
  await until(page, (n) => Number(document.querySelector('#units tr[data-code="VP"] .headcount')?.textContent) === n, vp + moved);
  assert.equal(await page.locator('#unplaced td', {hasText: 'Chi bộ Cơ quan'}).count(), 0);

  // The code NOPE was refused with a 400, as it should; nothing else went wrong.
  step('a home town of before 2025, and the province of today');
  await page.goto(`${URL}#/persons/${PERSON}`);
  await page.waitForSelector('#golden td[data-field="hometown"] .place-now');
  assert.equal(await page.textContent('#golden td[data-field="hometown"] .place-now'), `(nay là ${NOW})`);

  step('the postings of a person who moved');
  await page.goto(`${URL}#/persons/${MOVED}`);
  await page.waitForSelector('#timeline tr[data-kind]');
  const dmy = (iso) => iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : null;
  const want = JSON.parse(readFileSync(MOVED_TIMELINE, 'utf8')).map(([code, from, to]) => [code, dmy(from) || '(không rõ)', dmy(to) || 'nay']);
  const shown = await page.$$eval('#timeline tr[data-kind]', (rows) =>
    rows.map((r) => [r.dataset.unit, r.children[1].textContent, r.children[2].textContent]));
  assert.deepEqual(shown, want);
  assert.equal(await page.textContent('#timeline tr[data-kind] td'), 'Công tác');

  step('a current posting in dispute, answered from its case');
  await page.goto(`${URL}#/conflicts/${DISPUTE}`);
  await page.waitForSelector('#posting-hint');
  const choices = await page.$$eval('#actions button[id^="choose-"]', (bs) => bs.map((b) => [b.id, b.textContent]));
  assert.equal(choices.length, 2);
  assert.ok(choices.every(([, text]) => text.startsWith('Đang công tác tại: ')), JSON.stringify(choices));
  const vpChoice = choices.find(([, text]) => /\(VP\)/.test(text));
  assert.ok(vpChoice && choices.some(([, text]) => /\(TCNV\) từ 01\/07\/2025/.test(text)), JSON.stringify(choices));
  const disputeHash = await page.evaluate(() => location.hash);
  await page.click(`#${vpChoice[0]}`);
  await until(page, (h) => location.hash !== h, disputeHash);

  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no script errors in the page');
  console.log('units browser test passed');
});
