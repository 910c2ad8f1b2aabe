// The portal, driven in a real headless Chromium (Debian's /usr/bin/chromium via
// playwright-core): `sendflow serve` on a free port, one case walked in the
// browser from a concern through SEN support, LIFT to exhausted, high needs
// funding, an EHC request, assessment, draft, final plan, annual review and
// amendment, with states and clock due dates asserted on the page; disabled
// buttons' reasons (role, state, each failing guard with its citation);
// payload validation; uploaded policies (with compile errors, and valid);
// every example policy; export and import (a tampered file is rejected).
// Any console error or page error fails the test. At every screenshot (and
// with the action dialog open) the page must reflow at 320 px and axe-core
// must find no serious or critical violation at 1440 and 320 px. Screenshots
// go to test-output/portal/.
//
// Run: node --test internal/portal/test/   (make portal-test builds what it needs)
// Env: SENDFLOW (CLI binary, default bin/sendflow), WASM_DIR (default wasm/dist),
//      CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPersistent, serve, watch } from '../testharness.mjs';
import { AxeBuilder } from '@axe-core/playwright';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SENDFLOW = process.env.SENDFLOW || join(root, 'bin/sendflow');
const WASM_DIR = process.env.WASM_DIR || join(root, 'wasm/dist');
const OUT = join(root, 'test-output/portal');
mkdirSync(OUT, { recursive: true });

let server;
let baseURL;
let context;
let page;
let userData;
const problems = []; // console errors and page errors

before(async () => {
  ({ proc: server, url: baseURL } = await serve(SENDFLOW, ['--wasm-dir', WASM_DIR]));
  userData = mkdtempSync(join(tmpdir(), 'sendflow-portal-'));
  context = await launchPersistent(userData);
  page = watch(context.pages()[0] || await context.newPage(), problems);
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (userData) rmSync(userData, { recursive: true, force: true });
});

function noProblems(where) {
  assert.deepEqual(problems, [], `console or page errors ${where}`);
}

async function shot(name, opts = {}) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true, ...opts });
  await accessible(name);
}

/** axe-core finds no serious or critical violation at 1440 and 320 px, and nothing scrolls sideways at 320. */
async function accessible(where) {
  const was = page.viewportSize();
  try {
    for (const width of [1440, 320]) {
      await page.setViewportSize({ width, height: was.height });
      // Judge the page at rest: a toast half faded in has no settled contrast.
      await page.evaluate(() => Promise.all(document.getAnimations().map((an) => an.finished.catch(() => {}))));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${where}: the page reflows at ${width}px (overflow ${overflow}px)`);
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`), [],
        `${where}: axe-core at ${width}px`);
    }
  } finally {
    await page.setViewportSize(was);
  }
}

let dialogChecked = false;

async function state(track) {
  return page.locator(`[data-track="${track}"]`).getAttribute('data-state');
}

async function clock(id) {
  // A clock kept per decision is keyed id.dN (appeal_window.d12): the
  // unqualified id names its latest instance, the last row so keyed.
  const row = page.locator(`[data-clock="${id}"], [data-clock^="${id}.d"]`).last();
  await row.waitFor({ state: 'attached', timeout: 5000 });
  return { due: await row.getAttribute('data-due'), status: await row.getAttribute('data-status') };
}

async function expectState(track, want) {
  assert.equal(await state(track), want, `track ${track}`);
}

async function expectClock(id, due, status) {
  const c = await clock(id);
  if (due) assert.equal(c.due, due, `clock ${id} due`);
  if (status) assert.equal(c.status, status, `clock ${id} status`);
}

/** Sets the ISO date behind a day/month/year field (the hidden input[name=NAME]), as the fields would. */
async function setDate(name, value) {
  await page.locator(`input[name=${name}]`).evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Act as role on date at: open the trigger's form, fill it, fire it. */
async function fire(role, trigger, at, fill) {
  await page.selectOption('select[name=role]', role);
  await setDate('at', at);
  const btn = page.locator(`button[data-trigger="${trigger}"]`);
  assert.equal(await btn.isEnabled(), true, `${trigger} should be enabled for ${role} on ${at}: ${await btn.getAttribute('title')}`);
  await btn.click();
  const dialog = page.locator('#fire-dialog');
  await dialog.waitFor({ state: 'visible' });
  if (fill) await fill(dialog);
  if (fill && !dialogChecked) {
    dialogChecked = true;
    await accessible(`the ${trigger} dialog`);
  }
  const before = Number(await page.locator('body').getAttribute('data-events'));
  await page.click('button[data-fire]');
  await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(async () => {
    throw new Error(`${trigger} was not fired: ${await page.locator('#fire-error').innerText()}`);
  });
  assert.equal(Number(await page.locator('body').getAttribute('data-events')), before + 1, `${trigger} adds one event`);
  noProblems(`after ${trigger}`);
}

test('the portal loads with an example case a visitor can act on', async () => {
  // The page preloads the gzipped module; the wrapper's fetch must take the preloaded response (one
  // download, no "preloaded but not used" warning) and never fall back to the 11 MB sendflow.wasm.
  const modules = [];
  const warnings = [];
  const onRequest = (r) => { if (/sendflow\.wasm(\.gz)?$/.test(new URL(r.url()).pathname)) modules.push(new URL(r.url()).pathname); };
  const onConsole = (m) => { if (m.type() === 'warning' && /preload/i.test(m.text())) warnings.push(m.text()); };
  page.on('request', onRequest);
  page.on('console', onConsole);
  await page.goto(baseURL);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  page.off('request', onRequest);
  assert.deepEqual(modules, ['/wasm/sendflow.wasm.gz'], 'the module is fetched once, gzipped');
  for (const t of ['support', 'lift', 'hnf', 'ehc', 'plan', 'dispute']) assert.ok(await state(t), `track ${t} shown`);
  await expectState('support', 'universal');
  await expectState('ehc', 'none');
  assert.equal(await page.locator('select[name=role]').inputValue(), 'parent');
  assert.match(await page.locator('input[name=at]').inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'firing date defaults to today');
  assert.equal(await page.locator('button[data-trigger="support.concern_raised"]').isEnabled(), true, 'a parent can raise a concern at once');
  // Actions are worded by the policy's labels, not their ids.
  assert.equal((await page.locator('button[data-trigger="ehc.requested"]').innerText()).trim(), 'Record the request');
  assert.equal(await page.locator('text=ehc.requested').count(), 0, 'no trigger id shown outside Technical details');
  assert.ok(await page.locator('#policy option').count() >= 1);
  assert.equal(await page.locator('#policy option').first().getAttribute('value'), 'default');
  // Forms and the diagram come from the compiled policy, described by the WASM build itself.
  assert.equal(await page.locator('body').getAttribute('data-described-by'), 'wasm');
  await shot('01-start');

  // Every control has a label.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.closest('[hidden], dialog:not([open])'))
    .map((el) => el.id || el.name));
  assert.deepEqual(unlabelled, []);

  // Keyboard: a trigger opens its form with the focus inside it; Escape closes it.
  await page.focus('button[data-trigger="support.concern_raised"]');
  await page.keyboard.press('Enter');
  await page.locator('#fire-dialog').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('#fire-dialog')), true, 'focus moves into the form');
  await page.keyboard.press('Escape');
  await page.locator('#fire-dialog').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('body').getAttribute('data-events'), '0');
  noProblems('on load');
  page.off('console', onConsole);
  assert.deepEqual(warnings, [], 'no preload warnings');
});

test('a whole case walked in the browser: concern to an amended EHC plan', async () => {
  // SEN support. support_review: 13 weeks from Mon 15 Sep 2025 = Mon 15 Dec 2025 (start day not counted).
  await fire('parent', 'support.concern_raised', '2025-09-08');
  await expectState('support', 'concern_raised');
  await fire('senco', 'support.placed', '2025-09-10', async (d) => {
    await d.locator('input[name=need_areas][value=communication_interaction]').check();
    await d.locator('input[name=need_areas][value=semh]').check();
  });
  await expectState('support', 'sen_support.assess');
  await fire('senco', 'support.plan_agreed', '2025-09-12');
  await fire('senco', 'support.plan_started', '2025-09-15');
  await expectState('support', 'sen_support.do');
  await expectClock('support_review', '2025-12-15', 'running');
  // A clock is named in words; its id is for developers, shown only on request.
  assert.match(await page.locator('[data-clock="support_review"] .clock-name').innerText(), /^Support review$/);
  assert.equal(await page.locator('[data-clock="support_review"] .clock-id').isVisible(), false);
  await page.check('#show-clock-ids');
  assert.equal(await page.locator('[data-clock="support_review"] .clock-id').innerText(), 'support_review');
  await page.uncheck('#show-clock-ids');

  // LIFT, alongside SEN support. lift_initial_contact: 5 working days from Tue 21 Oct 2025
  // (22, 23, 24, 27, 28 Oct; no bank holidays) = Tue 28 Oct 2025.
  await fire('senco', 'lift.referral_started', '2025-10-13');
  await fire('parent', 'lift.consent_recorded', '2025-10-14', async (d) => {
    await d.locator('input[name=agreement_to_engage]').check();
  });
  await expectState('lift', 'awaiting_meeting');
  await fire('lift_chair', 'lift.meeting_held', '2025-10-21', async (d) => {
    await d.locator('input[name=outcomes][value=advice_to_try]').check();
    await d.locator('input[name=outcomes][value=specialist_intervention]').check();
    await d.locator('input[name=need_areas][value=semh]').check();
  });
  await expectState('lift', 'in_intervention');
  await fire('lift_chair', 'lift.professional_allocated', '2025-10-21', async (d) => {
    await d.locator('select[name=professional]').selectOption('educational_psychologist');
  });
  await expectClock('lift_initial_contact.educational_psychologist', '2025-10-28', 'running');
  await fire('lift_professional', 'lift.initial_contact_made', '2025-10-24');
  await expectClock('lift_initial_contact.educational_psychologist', '2025-10-28', 'met');

  // High needs funding is considered only above the threshold: the engine's guard reads the payload,
  // so it refuses in the form, with its reason; a cost above 6,000 pounds goes through.
  await page.selectOption('select[name=role]', 'school');
  await setDate('at', '2025-11-03');
  await page.click('button[data-trigger="hnf.considered"]');
  await page.fill('input[name=annual_provision_cost]', '5000');
  await page.click('button[data-fire]');
  await page.locator('#fire-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#fire-error').innerText(), /threshold[\s\S]*CoP 6\.99/);
  await page.fill('input[name=annual_provision_cost]', '8200');
  await page.click('button[data-fire]');
  await page.locator('#fire-dialog').waitFor({ state: 'hidden' });
  await expectState('hnf', 'considering');

  // Applying is disabled, with each failing guard's reason and citation: LIFT not yet exhausted,
  // one personalised plan of the two needed, no parental consent.
  const apply = page.locator('button[data-trigger="hnf.applied"]');
  assert.equal(await apply.isDisabled(), true);
  const why = await apply.getAttribute('title');
  assert.match(why, /^A rule is not met: /);
  assert.match(why, /LIFT route to be exhausted first\. \(SEED-0; Kent HNF criteria\)/);
  assert.match(why, /previous two personalised plans as evidence\. \(Kent HNF criteria\)/);
  assert.match(why, /Parental consent must be held\. \(Kent HNF criteria\)/);

  // A required payload field is checked before anything is fired.
  await page.selectOption('select[name=role]', 'senco');
  await setDate('at', '2025-12-01');
  await page.click('button[data-trigger="support.review_held"]');
  const before = await page.locator('body').getAttribute('data-events');
  await page.click('button[data-fire]');
  assert.equal(await page.locator('#fire-dialog').isVisible(), true, 'an invalid form is not fired');
  assert.match(await page.locator('[data-field=progress] .error').innerText(), /required/i);
  assert.equal(await page.locator('select[name=progress]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('body').getAttribute('data-events'), before);
  await page.selectOption('select[name=progress]', 'less_than_expected');
  await page.click('button[data-fire]');
  await page.locator('#fire-dialog').waitFor({ state: 'hidden' });
  await expectState('support', 'sen_support.review');
  await expectClock('support_review', '2025-12-15', 'met');

  // A disabled button says why: a trigger not possible from the current state.
  const exhaustedEarly = page.locator('button[data-trigger="lift.exhausted"]');
  await page.selectOption('select[name=role]', 'lift_chair');
  assert.equal(await exhaustedEarly.isDisabled(), true);
  assert.match(await exhaustedEarly.getAttribute('title'), /Not from this state.*in_intervention.*return_review/s);

  await fire('senco', 'lift.return_requested', '2025-12-08');
  // The summary sheet goes in with a second personalised plan and the parents' consent, recorded as evidence.
  await fire('lift_chair', 'lift.exhausted', '2025-12-15', async (d) => {
    await d.locator('input[name=summary_sheet_completed]').check();
    await d.locator('#fire-evidence-wrap summary').click();
    await d.locator('input[name=add_evidence][value=personalised_plan]').check();
    await d.locator('input[name=add_evidence][value=parental_consent]').check();
  });
  await expectState('lift', 'exhausted');
  assert.match(await page.locator('#case-facts').innerText(), /Personalised plan ×2/);

  // Now the school can apply, and the LA's high needs team approves.
  await fire('school', 'hnf.applied', '2025-12-16');
  await expectState('hnf', 'applied');
  await fire('la_hnf', 'hnf.approved', '2026-01-02');
  await expectState('hnf', 'approved');

  // EHC request received Mon 5 Jan 2026 (LIFECYCLE.md worked example):
  // decision to assess 6 weeks = Mon 16 Feb 2026; no-plan notice 16 weeks = Mon 27 Apr 2026;
  // final plan 20 weeks = Mon 25 May 2026 (a bank holiday: calendar-week deadlines do not move).
  await fire('parent', 'ehc.requested', '2026-01-05');
  await expectState('ehc', 'request_received');
  await expectClock('ehc_decision_to_assess', '2026-02-16', 'running');
  await expectClock('ehc_no_plan_notice', '2026-04-27', 'running');
  await expectClock('ehc_final_plan', '2026-05-25', 'running');

  // A parent cannot decide to assess: the button is disabled, the reason in its title
  // and in its accessible description.
  const decide = page.locator('button[data-trigger="ehc.decided_to_assess"]');
  assert.equal(await decide.isDisabled(), true);
  const title = await decide.getAttribute('title');
  assert.match(title, /Not for this role/);
  assert.match(title, /parent cannot fire ehc\.decided_to_assess/);
  assert.match(title, /la_officer/);
  const describedBy = await decide.getAttribute('aria-describedby');
  assert.equal(await page.locator(`[id="${describedBy}"]`).innerText(), title);
  await shot('02-ehc-requested');

  await fire('la_officer', 'ehc.decided_to_assess', '2026-02-09');
  await expectState('ehc', 'assessing');
  await expectClock('ehc_decision_to_assess', '2026-02-16', 'met');
  // Advice, 6 weeks from Tue 10 Feb 2026 = Tue 24 Mar 2026, per source.
  await fire('la_officer', 'ehc.advice_requested', '2026-02-10', (d) => d.locator('select[name=from]').selectOption('educational'));
  await fire('la_officer', 'ehc.advice_requested', '2026-02-10', (d) => d.locator('select[name=from]').selectOption('psychological'));
  await expectClock('ehc_advice.educational', '2026-03-24', 'running');
  await fire('advice_giver', 'ehc.advice_received', '2026-03-09', (d) => d.locator('select[name=from]').selectOption('educational'));
  await fire('advice_giver', 'ehc.advice_received', '2026-03-30', (d) => d.locator('select[name=from]').selectOption('psychological'));
  await expectClock('ehc_advice.educational', '2026-03-24', 'met');
  await expectClock('ehc_advice.psychological', '2026-03-24', 'missed'); // received 6 days late
  assert.match(await page.locator('[data-clock="ehc_advice.psychological"] .badge').innerText(), /Missed/);

  // Draft served Mon 13 Apr 2026: representations, 15 days beginning with that day = Mon 27 Apr 2026.
  await fire('la_officer', 'ehc.draft_issued', '2026-04-13');
  await expectState('ehc', 'draft_issued');
  await expectClock('ehc_draft_representations', '2026-04-27', 'running');

  // Finalising without naming a school: the engine's guard refuses, with its reason, in the form.
  await page.selectOption('select[name=role]', 'la_officer');
  await setDate('at', '2026-04-28');
  await page.click('button[data-trigger="ehc.plan_finalised"]');
  await page.click('button[data-fire]');
  await page.locator('#fire-error').waitFor({ state: 'visible' });
  const refusal = await page.locator('#fire-error').innerText();
  assert.match(refusal, /guard_failed/);
  assert.match(refusal, /school|section I/i);
  await shot('03-guard-refused', { fullPage: false });
  await page.fill('input[name=named_school]', 'Oak Primary');
  await page.click('button[data-fire]');
  await page.locator('#fire-dialog').waitFor({ state: 'hidden' });
  noProblems('after ehc.plan_finalised');

  // Final plan Tue 28 Apr 2026: final-plan clock met (due 25 May); annual review within
  // 12 months starting with 28 Apr 2026 = Tue 27 Apr 2027; appeal window 2 months = Sun 28 Jun 2026,
  // moved (HESC r12) to the next working day, Mon 29 Jun 2026.
  await expectState('ehc', 'plan_issued');
  await expectState('plan', 'active');
  await expectClock('ehc_final_plan', '2026-05-25', 'met');
  await expectClock('annual_review', '2027-04-27', 'running');
  await expectClock('appeal_window', '2026-06-29', 'running');

  // Clocks as of a chosen date: a year on, with no review held, the annual review is missed.
  await setDate('as_of', '2027-05-04');
  await expectClock('annual_review', '2027-04-27', 'missed');
  assert.equal(await page.locator('[data-clock="annual_review"].st-missed').count(), 1);
  await expectClock('appeal_window', '2026-06-29', 'ended');
  await setDate('as_of', '2026-04-28'); // back in step with the firing date

  // Annual review: invited Mon 1 Mar 2027 to a meeting on Mon 22 Mar 2027 (2 weeks' notice, R20(3)).
  // A date in an action's form is typed as day, month and year (GOV.UK date input).
  await fire('school', 'plan.review_invited', '2027-03-01', async (d) => {
    await d.getByLabel('Day', { exact: true }).fill('22');
    await d.getByLabel('Month', { exact: true }).fill('3');
    await d.getByLabel('Year', { exact: true }).fill('2027');
    assert.equal(await d.locator('input[name=meeting_date]').inputValue(), '2027-03-22');
  });
  await expectState('plan', 'review_preparing');
  // Meeting Mon 22 Mar 2027: report 2 weeks = Mon 5 Apr 2027; decision 4 weeks = Mon 19 Apr 2027.
  await fire('school', 'plan.review_meeting_held', '2027-03-22');
  await expectState('plan', 'review_held');
  await expectClock('review_report', '2027-04-05', 'running');
  await expectClock('review_decision', '2027-04-19', 'running');
  await fire('school', 'plan.review_report_sent', '2027-03-31');
  await expectClock('review_report', '2027-04-05', 'met');

  // Decision to amend Mon 12 Apr 2027: representations 15 days beginning with = Mon 26 Apr 2027;
  // amended plan 8 weeks = Mon 7 Jun 2027; annual review restarts: 12 months starting with
  // 12 Apr 2027 = Tue 11 Apr 2028.
  await fire('la_officer', 'plan.review_decided', '2027-04-12', (d) => d.locator('select[name=decision]').selectOption('amend'));
  await expectState('plan', 'amending');
  await expectClock('review_decision', '2027-04-19', 'met');
  await expectClock('amendment_representations', '2027-04-26', 'running');
  await expectClock('amendment_final', '2027-06-07', 'running');
  await expectClock('annual_review', '2028-04-11', 'running');

  // Amended plan Mon 24 May 2027: appeal window 2 months = Sat 24 Jul 2027, moved to Mon 26 Jul 2027.
  await fire('la_officer', 'plan.amendment_finalised', '2027-05-24');
  await expectState('plan', 'active');
  await expectClock('amendment_final', '2027-06-07', 'met');
  await expectClock('appeal_window', '2027-07-26', 'running');

  // A firing date before the last event is flagged before anything is fired.
  await setDate('at', '2027-05-01');
  assert.match(await page.locator('#at-error').innerText(), /date order/);
  assert.equal(await page.locator('input[name=at]').getAttribute('aria-invalid'), 'true');
  await setDate('at', '2027-05-24');
  assert.equal(await page.locator('#at-error').innerText(), '');

  // The timeline holds every firing, newest first, and the history verifies.
  assert.equal(await page.locator('#timeline .event').count(), 28);
  assert.equal(await page.locator('#timeline .event').first().getAttribute('data-trigger'), 'plan.amendment_finalised');
  assert.match(await page.locator('#verify-badge').innerText(), /verified/i);
  await shot('04-amended-plan');
  // The README picture: the walked case, showing only what the LA officer can do now, and its clocks.
  await page.check('#only-allowed');
  await page.evaluate(() => { window.scrollTo(0, 0); document.querySelector('#toast').classList.remove('show'); });
  await page.waitForTimeout(400); // let the toast fade out
  await page.screenshot({ path: join(OUT, 'portal.png'), fullPage: true, clip: { x: 0, y: 0, width: 1440, height: 1180 } });
  await page.uncheck('#only-allowed');
  noProblems('after the walk');
});

test('a reload keeps the case (IndexedDB)', async () => {
  const events = await page.locator('body').getAttribute('data-events');
  const plan = await state('plan');
  await page.waitForFunction(() => document.body.dataset.saved === 'yes', null, { timeout: 5000 });
  await page.reload();
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  assert.equal(await page.locator('body').getAttribute('data-events'), events, 'the same history after a reload');
  await expectState('plan', plan);
  assert.match(await page.locator('#verify-badge').innerText(), /verified/i);
  noProblems('after a reload');
});

test('export, import, and a tampered history is rejected', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const path = join(OUT, 'case.json');
  await download.saveAs(path);
  const file = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(file.case.history.length, 28);
  assert.equal(file.policy.id, 'default');

  // The lifecycle diagram source, drawn by engine.graph with the current states highlighted.
  const [mmd] = await Promise.all([page.waitForEvent('download'), page.click('button[data-graph=mermaid]')]);
  const mermaid = readFileSync(await mmd.path(), 'utf8');
  assert.match(mermaid, /^flowchart LR/);
  assert.match(mermaid, /class .*current/);

  // Start a fresh case, then import the exported one back.
  await page.click('#new-case summary');
  // A new case starts blank: nothing is carried over from the case before.
  await page.waitForFunction(() => document.querySelector('#case-id').value === '' && document.querySelector('#dob').value === '');
  assert.equal(await page.locator('#year-group').inputValue(), '');
  assert.equal(await page.locator('input[name=evidence]:checked').count(), 0);
  await page.fill('#case-id', 'fresh-002');
  const dob = '2016-03-02';
  await setDate('date_of_birth', '');
  await page.click('#case-form button[type=submit]');
  assert.match(await page.locator('#case-form-error').innerText(), /date of birth/i, 'the start form is checked');
  assert.equal(await page.locator('body').getAttribute('data-events'), '28', 'no new case from an invalid form');
  await setDate('date_of_birth', dob);
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.body.dataset.events === '0');
  await expectState('plan', 'none');
  await page.setInputFiles('#import-file', { name: 'case.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await page.locator('[data-import=ok]').waitFor();
  await expectState('plan', 'active');
  assert.equal(await page.locator('body').getAttribute('data-events'), '28');

  // Tamper: say the parent's request came a month later. The chain no longer holds.
  const bad = structuredClone(file);
  const req = bad.case.history.find((e) => e.trigger === 'ehc.requested');
  req.at = req.at.replace('2026-01-05', '2026-02-05');
  await page.setInputFiles('#import-file', { name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const rejected = page.locator('[data-import=rejected]');
  await rejected.waitFor();
  assert.match(await rejected.innerText(), /rejected/i);
  assert.match(await rejected.innerText(), new RegExp(`event ${req.seq}`));
  assert.equal(await page.locator('body').getAttribute('data-events'), '28', 'the case on the page is unchanged');
  await shot('05-tampered-import', { fullPage: false });
  noProblems('after import');
});

test('an uploaded policy with errors shows them with their positions', async () => {
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  const policy = 'id: broken\ntriggers:\n  - id: ehc.requested\n    guards:\n      - id: bad_guard\n        expr: "evidence.nosuchfield > ("\n        reason: nonsense\n';
  await page.setInputFiles('#policy-file', { name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from(policy) });
  const box = page.locator('#policy-errors[data-result=error]');
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /invalid_policy|statutory_floor/);
  assert.match(text, /:\d+:\d+/, 'problems carry file:line:col');
  await page.locator('#policy-errors').scrollIntoViewIfNeeded();
  await shot('06-policy-errors', { fullPage: false });

  // A valid overlay compiles, is offered in the picker, and a case starts on it.
  const overlay = 'id: my_district\ntitle: My district\nparameters:\n  - {id: hnf_threshold, value: 5000}\n';
  await page.setInputFiles('#policy-file', { name: 'my-district.yaml', mimeType: 'text/yaml', buffer: Buffer.from(overlay) });
  await page.locator('#policy-errors[data-result=ok]').waitFor();
  assert.equal(await page.locator('#policy').inputValue(), 'upload-my-district');
  await page.fill('#case-id', 'uploaded-001');
  await setDate('date_of_birth', '2016-03-02');
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#policy-badge')?.textContent === 'Uploaded policy');
  await expectState('ehc', 'none');
  assert.equal(await page.locator('button[data-trigger="support.concern_raised"]').count(), 1);
  noProblems('after the policy upload');
});

test('every policy in the picker compiles in the browser and starts a case', async () => {
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  const ids = await page.locator('#policy option').evaluateAll((os) => os.map((o) => o.value).filter((v) => !v.startsWith('upload-')));
  assert.ok(ids.includes('default'));
  for (const id of ids) {
    await page.evaluate(() => { document.querySelector('#new-case').open = true; });
    await page.selectOption('#policy', id);
    await page.fill('#case-id', `case-${id.replace('/', '-')}`);
    await setDate('date_of_birth', '2016-03-02');
    // The case is tied to the policy chosen: its authority and district come from the policy.
    const [la, district] = id === 'default' ? ['', ''] : id.split('/');
    assert.equal(await page.locator('#la').inputValue(), la, `authority for ${id}`);
    assert.equal(await page.locator('#district').inputValue(), district ?? '', `district for ${id}`);
    await page.click('#case-form button[type=submit]');
    await page.waitForFunction((want) => document.querySelector('#case-facts dd')?.textContent === want, `case-${id.replace('/', '-')}`, { timeout: 10000 })
      .catch(async () => { throw new Error(`policy ${id} did not start a case: ${await page.locator('#policy-errors').innerText()}`); });
    assert.ok(await page.locator('[data-track]').count() > 0, `policy ${id} shows its tracks`);
    assert.equal(await page.locator('body').getAttribute('data-events'), '0');
    assert.equal(await page.locator('button[data-trigger="ehc.requested"]').count(), 1, `policy ${id} offers an EHC request`);
    noProblems(`with policy ${id}`);
  }
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  await page.selectOption('#policy', 'default');
  await page.fill('#case-id', 'case-default-2');
  await setDate('date_of_birth', '2016-03-02');
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#policy-badge')?.textContent === 'Default policy');
});

/** Types an ISO date into the day, month and year fields whose ids start with prefix ('' clears them). */
async function typeDate(prefix, iso) {
  const [y, m, d] = iso ? iso.split('-') : ['', '', ''];
  await page.fill(`#${prefix}-day`, d ? String(Number(d)) : '');
  await page.fill(`#${prefix}-month`, m ? String(Number(m)) : '');
  await page.fill(`#${prefix}-year`, y || '');
}

test('a mediation agreement with a date agreed in writing sets its clocks\' due date (R42(5))', async () => {
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  await page.selectOption('#policy', 'default');
  await page.fill('#case-id', 'agreement-001');
  await setDate('date_of_birth', '2019-11-20');
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#case-facts dd')?.textContent === 'agreement-001');
  await fire('parent', 'ehc.requested', '2026-05-19');
  await fire('la_officer', 'ehc.decided_not_to_assess', '2026-06-30');
  await fire('parent', 'dispute.mediation_requested', '2026-07-06');

  // The agreement of 3 August 2026: an assessment by 24 August, and another action with no date agreed.
  await page.selectOption('select[name=role]', 'la_officer');
  await setDate('at', '2026-08-03');
  await page.click('button[data-trigger="dispute.mediation_concluded"]');
  const dialog = page.locator('#fire-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.locator('[data-field=agreed_due] fieldset[data-item=assess] > legend').innerText(),
    'Carry out an EHC needs assessment (optional)');
  await dialog.locator('input[name=agreement][value=assess]').check();
  await dialog.locator('input[name=agreement][value=other]').check();
  // Mistakes first: a date before the agreement, and one half typed.
  await typeDate('pay-agreed_due-assess', '2026-07-31');
  await page.fill('#pay-agreed_due-other-day', '14');
  const before = Number(await page.locator('body').getAttribute('data-events'));
  await page.click('button[data-fire]');
  const summary = dialog.locator('#fire-error-summary');
  await summary.waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fire-error-summary', 'the summary takes focus');
  const links = summary.locator('a');
  assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ['#pay-agreed_due-assess-day', '#pay-agreed_due-other-day']);
  assert.match(await links.nth(0).innerText(), /carry out an EHC needs assessment must be the same as or after the date of this action/);
  assert.match(await links.nth(1).innerText(), /must include a day, month and year/);
  assert.equal(await dialog.locator('#pay-agreed_due-assess-err').innerText(), await links.nth(0).innerText());
  assert.equal(await page.locator('body').getAttribute('data-events'), String(before), 'nothing recorded');
  await accessible('the agreement dialog with errors');
  await links.nth(1).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pay-agreed_due-other-day', 'a summary link focuses its field');

  // A date for an item the parties did not agree is refused by the policy's guard.
  await typeDate('pay-agreed_due-assess', '2026-08-24');
  await typeDate('pay-agreed_due-other', '');
  await typeDate('pay-agreed_due-health', '2026-08-20');
  await page.click('button[data-fire]');
  await dialog.locator('#fire-error').waitFor({ state: 'visible' });
  assert.match(await dialog.locator('#fire-error').innerText(), /A date can be agreed only for an item of the agreement/);
  assert.equal(await summary.isVisible(), false, 'the form itself is now correct');

  await typeDate('pay-agreed_due-health', '');
  await shot('14-agreement-dialog');
  await page.click('button[data-fire]');
  await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(async () => {
    throw new Error(`the agreement was not recorded: ${await page.locator('#fire-error').innerText()}`);
  });
  assert.equal(Number(await page.locator('body').getAttribute('data-events')), before + 1);
  // The date agreed for the assessment is the due date of every clock the item starts; other keeps its 2 weeks.
  await expectClock('order_assess', '2026-08-24', 'running');
  await expectClock('order_no_plan_notice', '2026-08-24', 'running');
  await expectClock('order_final_plan', '2026-08-24', 'running');
  await expectClock('agreement_action', '2026-08-17', 'running');
  await shot('15-agreement-recorded');
  noProblems('after the agreement walk');
});

test('a refusal walked to an appeal and a Tribunal order to assess', async () => {
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  await page.selectOption('#policy', 'default');
  await page.fill('#case-id', 'refusal-001');
  await setDate('date_of_birth', '2019-11-20');
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#case-facts dd')?.textContent === 'refusal-001');
  await fire('parent', 'ehc.requested', '2026-05-19');
  await fire('la_officer', 'ehc.decided_not_to_assess', '2026-06-30');
  await expectState('ehc', 'refused');
  // 2026-06-30 + 2 months = Sun 30 Aug, in August: the first working day after 31 August (a bank holiday).
  await expectClock('appeal_window', '2026-09-01', 'running');
  await shot('10-refused');
  await fire('parent', 'dispute.mediation_requested', '2026-07-06');
  await fire('la_officer', 'dispute.mediation_concluded', '2026-08-03');
  await fire('mediation_adviser', 'dispute.certificate_issued', '2026-08-06');
  await expectClock('appeal_after_certificate', '2026-09-07', 'running');
  await fire('parent', 'dispute.appeal_registered', '2026-09-04');
  await expectState('dispute', 'appealed');
  await fire('tribunal', 'dispute.tribunal_decided', '2026-11-16', async (d) => {
    await d.locator('select[name=order]').selectOption('assess');
  });
  await expectState('dispute', 'decided');
  await expectClock('order_assess', '2026-11-30', 'running');
  await fire('la_officer', 'ehc.decided_to_assess', '2026-11-20');
  await expectState('ehc', 'assessing');
  await expectClock('order_assess', '2026-11-30', 'met');
  await fire('la_officer', 'dispute.order_complied', '2026-11-20');
  await expectState('dispute', 'none');
  await shot('11-order-complied');
  noProblems('after the refusal walk');
});

/** Opens the letter form, fills it, writes the letter; returns the letter's tab. */
async function writeLetter(kind, locale, fields) {
  await page.evaluate(() => { document.querySelector('#letters').open = true; });
  await page.selectOption('#letter-kind', kind);
  await page.selectOption('#letter-locale', locale);
  for (const [name, v] of Object.entries(fields)) await page.fill(`#letter-form [name=${name}]`, v);
  const [tab] = await Promise.all([context.waitForEvent('page'), page.click('#letter-write')]);
  await tab.waitForLoadState();
  return tab;
}

/** A letter is printable on A4 (its print stylesheet), accessible, and saved as a PDF for a person to read. */
async function checkLetter(tab, name) {
  assert.equal(await tab.evaluate(() => [...document.styleSheets].some((s) => [...s.cssRules].some((r) => /size: a4/i.test(r.cssText)))), true, `${name} sets A4 pages`);
  const r = await new AxeBuilder({ page: tab }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  assert.deepEqual(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), [], `${name}: axe-core`);
  await tab.emulateMedia({ media: 'print' });
  await tab.pdf({ path: join(OUT, `${name}.pdf`), format: 'A4' });
  await tab.close();
}

const CONTACTS = {
  recipient: 'Ms A Parent', child_name: 'Sam', mediation_name: 'Kent Mediation Service', mediation_phone: '01622 000000',
  advice_name: 'Kent SENDIASS', officer: 'J Officer, SEN team', authority: 'Kent County Council',
};

test('the letter for a refusal gives its reasons and exact deadlines', async () => {
  // The refusal walked above: decision not to assess Tue 30 Jun 2026; appeal by Tue 1 Sep 2026 (the
  // appeal_window clock); mediation adviser contacted by Sun 30 Aug 2026 (R33, 2 months, no move).
  await page.evaluate(() => { document.querySelector('#letters').open = true; });
  await page.fill('#letter-form [name=child_name]', '');
  await page.click('#letter-write');
  await page.locator('#letter-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#letter-error').innerText(), /name/);
  assert.equal(context.pages().length, 1, 'no letter from an incomplete form');
  assert.equal(await page.locator('#letter-child').getAttribute('aria-invalid'), 'true');
  await accessible('the letter form with its errors');
  const tab = await writeLetter('decision_not_to_assess', 'en', { ...CONTACTS, reasons: 'SEN support has not yet run a full cycle.\n\nThe school can meet the needs.' });
  const text = await tab.locator('body').innerText();
  assert.match(text, /On Tuesday 30 June 2026 we decided not to carry out an EHC needs assessment/);
  assert.equal(await tab.locator('[data-deadline=appeal]').innerText(), 'Tuesday 1 September 2026');
  assert.equal(await tab.locator('[data-deadline=mediation]').innerText(), 'Sunday 30 August 2026');
  assert.match(text, /Kent Mediation Service[\s\S]*01622 000000/);
  assert.match(text, /SEN support has not yet run a full cycle\.\s+The school can meet the needs\./);
  assert.match(text, /Our reference: refusal-001/);
  await tab.setViewportSize({ width: 900, height: 1200 });
  await tab.screenshot({ path: join(OUT, 'portal-letter.png'), fullPage: true }); // the README picture
  await checkLetter(tab, 'letter-decision-not-to-assess');
  noProblems('after the refusal letter');
});

test('two disputes on one case, each with its own time limits (worked history 1)', async () => {
  await page.evaluate(() => { document.querySelector('#new-case').open = true; });
  await page.selectOption('#policy', 'default');
  await page.fill('#case-id', 'we-1');
  await setDate('date_of_birth', '2014-03-10');
  await page.selectOption('#year-group', '8');
  await page.click('#case-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#case-facts dd')?.textContent === 'we-1');
  const typeDate = async (d, iso) => {
    const [y, m, day] = iso.split('-');
    await d.getByLabel('Day', { exact: true }).fill(String(Number(day)));
    await d.getByLabel('Month', { exact: true }).fill(String(Number(m)));
    await d.getByLabel('Year', { exact: true }).fill(y);
  };
  await fire('la_officer', 'plan.transferred_in', '2027-01-04', async (d) => {
    await d.locator('input[name=from_la]').fill('medway');
    await typeDate(d, '2026-10-05');
  });
  await expectClock('transfer_review', '2027-10-04', 'running');
  await fire('la_officer', 'plan.transfer_notice_sent', '2027-01-06');
  await fire('school', 'plan.review_invited', '2027-01-11', (d) => typeDate(d, '2027-01-27'));
  await expectClock('review_advice', '2027-01-13', 'running');
  await fire('school', 'plan.review_advice_circulated', '2027-01-13');
  await fire('school', 'plan.review_meeting_held', '2027-01-27');
  await fire('school', 'plan.review_report_sent', '2027-02-03');
  await fire('la_officer', 'plan.review_decided', '2027-02-08', (d) => d.locator('select[name=decision]').selectOption('amend'));
  await expectClock('amendment_representations', '2027-02-22', 'running');
  await fire('la_officer', 'plan.amendment_finalised', '2027-03-01');
  // d8, the amended plan: 2 months = Sat 1 May 2027; Mon 3 May is a bank holiday: Tue 4 May 2027.
  await expectClock('appeal_window.d8', '2027-05-04', 'running');
  await fire('parent', 'dispute.mediation_declined', '2027-03-08');
  await fire('mediation_adviser', 'dispute.certificate_issued', '2027-03-10');
  await expectClock('appeal_after_certificate.d8', '2027-04-12', 'running');
  await fire('parent', 'dispute.appeal_registered', '2027-04-06');
  await fire('la_officer', 'plan.cease_proposed', '2027-04-19');
  await fire('la_officer', 'plan.cease_decided', '2027-05-10', (d) => d.locator('input[name=reason]').fill('2'));
  // d13, the cease: 2 months = Sat 10 Jul 2027, moved to Mon 12 Jul 2027.
  await fire('parent', 'dispute.mediation_requested', '2027-05-17');

  // Two disputes at once: d8 at appeal, d13 in mediation, each with its own clocks.
  const d8 = page.locator('[data-decision=d8]');
  const d13 = page.locator('[data-decision=d13]');
  assert.equal(await d8.getAttribute('data-dispute'), 'appealed');
  assert.equal(await d8.getAttribute('data-kind'), 'amended_plan');
  assert.equal(await d13.getAttribute('data-dispute'), 'mediation');
  assert.equal(await d13.getAttribute('data-kind'), 'cease');
  assert.equal(await page.locator('[data-open-disputes]').getAttribute('data-open-disputes'), '2');
  const dclock = async (dec, key) => {
    const row = page.locator(`[data-decision=${dec}] [data-decision-clock="${key}"]`);
    return [await row.getAttribute('data-due'), await row.getAttribute('data-status')];
  };
  assert.deepEqual(await dclock('d8', 'appeal_window.d8'), ['2027-05-04', 'met']);
  assert.deepEqual(await dclock('d13', 'appeal_window.d13'), ['2027-07-12', 'running']);
  assert.deepEqual(await dclock('d13', 'mediation_held.d13'), ['2027-06-16', 'running']);
  assert.equal(await page.locator('[data-decision=d8] [data-decision-clock$=".d13"]').count(), 0, 'a decision shows only its own clocks');
  assert.match(await d13.innerText(), /Cease/);
  await page.locator('.decisions-card').scrollIntoViewIfNeeded();
  await shot('12-two-disputes');
  await page.locator('.decisions-card').screenshot({ path: join(OUT, 'portal-disputes.png') }); // the README picture

  // A firing about a dispute names its decision from the case's decisions, in words.
  await fire('mediation_adviser', 'dispute.mediation_concluded', '2027-06-14', async (d) => {
    const opts = await d.locator('select[name=decision] option').allInnerTexts();
    assert.ok(opts.some((o) => /^Cease, .*2027 \(mediation\)$/.test(o)), `decision options: ${opts}`);
    await d.locator('select[name=decision]').selectOption('d13');
  });
  await fire('mediation_adviser', 'dispute.certificate_issued', '2027-06-16');
  assert.deepEqual(await dclock('d13', 'appeal_after_certificate.d13'), ['2027-07-16', 'running']);
  await fire('parent', 'dispute.appeal_registered', '2027-07-14');
  assert.equal(await d13.getAttribute('data-dispute'), 'appealed');
  await fire('tribunal', 'dispute.tribunal_decided', '2027-08-16', async (d) => {
    await d.locator('select[name=decision]').selectOption('d8');
    await d.locator('select[name=order]').selectOption('amend');
  });
  assert.equal(await d8.getAttribute('data-dispute'), 'decided');
  assert.equal(await d13.getAttribute('data-dispute'), 'appealed');
  assert.deepEqual(await dclock('d8', 'order_amend.d8'), ['2027-09-20', 'running']);

  // Each decision a letter gives notice of offers it: d13 the cease notice; d8, an amended plan, none.
  assert.equal(await page.locator('[data-letter-for=d8]').count(), 0);
  await page.evaluate(() => { document.querySelector('#letters').open = false; });
  await page.click('[data-letter-for=d13]');
  assert.equal(await page.locator('#letters').evaluate((d) => d.open), true);
  assert.equal(await page.locator('#letter-kind').inputValue(), 'cease_notice');
  // The cease notice in Welsh (the policy words its actions in Welsh): d13's deadlines as Welsh dates.
  const tab = await writeLetter('cease_notice', 'cy', { ...CONTACTS, reasons: 'Nid oes angen y cynllun mwyach.' });
  assert.equal(await tab.locator('html').getAttribute('lang'), 'cy');
  assert.equal(await tab.locator('[data-deadline=appeal]').innerText(), 'Dydd Llun 12 Gorffennaf 2027');
  assert.equal(await tab.locator('[data-deadline=mediation]').innerText(), 'Dydd Sadwrn 10 Gorffennaf 2027');
  assert.match(await tab.locator('body').innerText(), /Ar Dydd Llun 10 Mai 2027 penderfynasom roi'r gorau i gynnal/);
  await checkLetter(tab, 'letter-cease-notice-cy');
  noProblems('after two disputes');
});

test('readable on a phone-width screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 390px (overflow ${overflow}px)`);
  await shot('07-phone');
  // A visitor arriving on a phone: only the actions they can take are shown at first.
  await page.reload();
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  assert.equal(await page.locator('#only-allowed').isChecked(), true);
  assert.equal(await page.locator('button[data-trigger="support.concern_raised"]').isVisible(), true);
  assert.equal(await page.locator('button[data-trigger="ehc.decided_to_assess"]').isVisible(), false);
  await shot('08-phone-first-visit', { fullPage: false });
  noProblems('at phone width');
});

test('the accessibility statement is published and accessible', async () => {
  await page.goto(`${baseURL}accessibility.html`);
  assert.equal(await page.locator('h1').count(), 1);
  assert.match(await page.locator('h1').innerText(), /Accessibility statement/);
  await shot('09-accessibility-statement');
  await page.goto(baseURL);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  assert.equal(await page.locator('a[href="/accessibility.html"]').first().isVisible(), true, 'the page links to it');
  noProblems('on the accessibility statement');
});

test('served with a store: the caseload, actions judged by the server, and the worklist', async () => {
  // A second server on a SQLite file (sendflow serve --db): the page finds /api and shows the caseload.
  const dir = mkdtempSync(join(tmpdir(), 'sendflow-db-'));
  const { proc: db, url: dbURL } = await serve(SENDFLOW, ['--wasm-dir', WASM_DIR, '--db', join(dir, 'cases.db')]);
  const first = page;
  page = watch(await context.newPage(), problems);
  try {
    await page.goto(dbURL);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
    await page.locator('#caseload-card').waitFor({ state: 'visible' });
    await page.locator('#caseload .empty').waitFor();

    // Two cases saved to the caseload; each firing on a stored case goes to the server.
    for (const id of ['shared-001', 'shared-002']) {
      await page.evaluate(() => { document.querySelector('#new-case').open = true; });
      await page.fill('#case-id', id);
      await setDate('date_of_birth', '2016-03-02');
      await page.click('#case-form button[type=submit]');
      await page.waitForFunction((want) => document.querySelector('#case-facts dd')?.textContent === want, id);
      await page.click('#caseload-save');
      await page.locator(`[data-saved-case="${id}"]`).waitFor();
      assert.equal(await page.locator('#stored-status').getAttribute('data-stored'), id);
      assert.equal(await page.locator('#caseload-save').isVisible(), false, 'a stored case is not saved again');
    }
    // shared-002's request (Mon 5 Jan 2026): the decision to assess is due Mon 16 Feb 2026.
    await fire('parent', 'ehc.requested', '2026-01-05');
    const stored = await (await fetch(`${dbURL}api/cases/shared-002`)).json();
    assert.equal(stored.case.history.length, 1, 'the server recorded the firing');
    assert.equal(stored.head.seq, 1);
    // The server judges again: a firing it refuses is not recorded, here one from a stale head
    // (another officer acted first on the stored case).
    const other = await fetch(`${dbURL}api/cases/shared-002/fire`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ firing: { trigger: 'ehc.decided_to_assess', actor: 'la_officer', at: '2026-02-02' }, head: stored.head }) });
    assert.equal(other.status, 200);
    await page.selectOption('select[name=role]', 'la_officer');
    await setDate('at', '2026-02-03');
    await page.click('button[data-trigger="ehc.decided_not_to_assess"]');
    await page.click('button[data-fire]');
    await page.locator('#fire-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#fire-error').innerText(), /Someone else changed this case/);
    await page.click('#fire-cancel');
    assert.equal(await page.locator('body').getAttribute('data-events'), '1', 'nothing recorded on the page either');
    // The browser logs the refused request itself; the page handled it (above), so it is not a problem.
    const i = problems.findIndex((p) => /status of 409 \(Conflict\)/.test(p));
    assert.ok(i >= 0, 'the server refused the stale firing with 409');
    problems.splice(i, 1);

    // Open it again from the caseload: the server's history, two events.
    await page.click('[data-open-case="shared-002"]');
    await page.waitForFunction(() => document.body.dataset.events === '2');
    await expectState('ehc', 'assessing');
    assert.equal(await page.locator('#caseload li').count(), 2, 'the caseload lists both cases');

    // The worklist: as of Mon 2 Feb 2026 shared-002's decision to assess (due Mon 16 Feb) was due within
    // 10 working days; it is met now, so the worklist lists the 20-week final plan only when due or missed.
    await setDate('as_of', '2026-06-22');
    const row = page.locator('[data-work-case="shared-002"][data-work-clock="ehc_final_plan"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-due'), '2026-05-25');
    assert.equal(await row.getAttribute('data-status'), 'missed');
    assert.match(await row.innerText(), /overdue/);
    const feed = await fetch(new URL(await page.locator('[data-worklist-feed]').getAttribute('href'), dbURL));
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /text\/calendar/);
    await page.locator('#caseload-card').scrollIntoViewIfNeeded();
    await shot('13-caseload-worklist');
    await page.evaluate(() => { window.scrollTo(0, 0); document.querySelector('#toast').classList.remove('show'); });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, 'portal-caseload.png'), clip: { x: 0, y: 0, width: 1440, height: 1000 } }); // the README picture
    noProblems('with the caseload');
  } finally {
    await page.close();
    page = first;
    db.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
