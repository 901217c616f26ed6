// The main journeys of the diapath web app in real Chromium, with an axe accessibility
// check on every page visited. Run by run.sh against a fresh `diapath demo`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const BASE = process.env.DIAPATH_URL ?? "http://127.0.0.1:8080";
const PASSWORD = "demo-password-2026";
const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
const shared = {};

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
});

after(async () => {
  await browser?.close();
});

async function signedIn(user) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/sign-in`);
  await check(page, "sign-in");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState("load");
  assert.ok(!page.url().endsWith("/sign-in"), `${user} could not sign in`);
  return page;
}

// Accessibility: no serious or critical axe violation; a screenshot of every page.
async function check(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
    [],
    `accessibility violations on ${name}`,
  );
}

async function status(page) {
  return (await page.locator(".nhsuk-summary-list__row", { hasText: "Status" }).first().locator("dd").innerText()).trim();
}

test("clinician assesses a patient, records evidence and submits a request", async () => {
  const page = await signedIn("clinician");
  await assert.doesNotReject(page.getByRole("heading", { name: "Worklist" }).waitFor());
  await check(page, "clinician-worklist");
  await page.goto(`${BASE}/patients`);
  await check(page, "clinician-patients");
  await page.locator("table a").first().click();
  await page.waitForLoadState("load");
  const patientUrl = page.url();
  await check(page, "clinician-patient");
  assert.ok(await page.getByText(/Eligibility on/).isVisible());

  await page.getByRole("link", { name: "Record an HbA1c result" }).click();
  await page.getByLabel("HbA1c").fill("abc");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByText("There is a problem").waitFor());
  await check(page, "clinician-hba1c-error");
  await page.getByLabel("HbA1c").fill("64");
  await page.getByLabel("Date").fill("2026-11-01");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(patientUrl);
  assert.ok(await page.getByText("64 mmol/mol").first().isVisible());

  await page.getByRole("link", { name: "Start a request" }).click();
  await check(page, "clinician-new-request");
  await page.locator("input[name=policy]").first().check();
  await page.getByRole("button", { name: "Start the request" }).click();
  await page.waitForURL(/\/requests\/\d+$/);
  assert.equal(await status(page), "Draft");
  await page.getByRole("button", { name: "Check evidence and submit" }).click();
  await page.waitForLoadState("load");
  const after = await status(page);
  assert.ok(["With commissioner", "Approved (automatic)"].includes(after), after);
  await check(page, "clinician-request-submitted");
  shared.submitted = page.url();
  await page.context().close();
});

test("commissioner approves a request with a coded reason", async () => {
  const page = await signedIn("commissioner");
  await assert.doesNotReject(page.getByRole("heading", { name: "Decisions" }).waitFor());
  await check(page, "commissioner-decisions");
  const queue = page.locator("table", { has: page.locator("caption", { hasText: "Awaiting decision" }) });
  await queue.locator("a[href^='/requests/']").first().click();
  await page.waitForLoadState("load");
  await check(page, "commissioner-request");
  assert.ok(await page.getByText("Criterion").first().isVisible(), "criteria and evidence shown");
  await page.getByLabel("Approve").check();
  await page.locator("input[name=reason][value=AllCriteriaMet]").check();
  await page.getByLabel("Explanation for the letter").fill("Meets the policy; approved for a 6-month trial.");
  await page.getByRole("button", { name: "Record the decision" }).click();
  await page.waitForLoadState("load");
  await check(page, "commissioner-decided");
  assert.equal(await status(page), "Approved");
  shared.approved = page.url();
  await page.context().close();
});

test("clinician starts the trial and runs a 6-month review", async () => {
  const page = await signedIn("clinician");
  await page.goto(shared.approved);
  await page.getByLabel("Yes, agreement recorded").check();
  await page.getByRole("button", { name: "Start the trial" }).click();
  await page.waitForLoadState("load");
  assert.equal(await status(page), "Trial active");
  await check(page, "clinician-trial-started");

  await page.goto(`${BASE}/worklist`);
  const due = page.locator("table", { has: page.locator("caption", { hasText: "Reviews due and overdue" }) });
  await due.locator("a[href^='/requests/']").first().click();
  await page.waitForLoadState("load");
  const review = page.getByRole("link", { name: "Run the 6-month review" });
  if (await review.count()) {
    await review.click();
  } else {
    await page.getByRole("button", { name: "Open the review" }).click();
  }
  await page.waitForURL(/\/review$/);
  await check(page, "clinician-review");
  assert.ok(await page.getByText(/Recommendation:/).isVisible());
  await page.getByLabel("Override: continue").check();
  await page.getByLabel("Reason for an override").fill("Agreed with the patient at clinic: continue.");
  await page.getByRole("button", { name: "Record the review" }).click();
  await page.waitForLoadState("load");
  assert.equal(await status(page), "Continued");
  await check(page, "clinician-reviewed");
  await page.context().close();
});

test("patient reads the decision and its reasons", async () => {
  const page = await signedIn("patient");
  await assert.doesNotReject(page.getByRole("heading", { name: "My diabetes technology" }).waitFor());
  assert.ok(await page.getByText("The decision and why").isVisible());
  await check(page, "patient-home");
  const forbidden = await page.goto(`${BASE}/worklist`);
  assert.equal(forbidden.status(), 403);
  await check(page, "patient-forbidden");
  await page.context().close();
});
