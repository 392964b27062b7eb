// Real-browser tests of the site `tkt build` and `tkt serve` make from the
// example tracker. Run by .ci/run (not by `cargo test`):
//
//   (cd tests/browser && npm ci) && cargo build --locked
//   TKT_BIN=target/debug/tkt node --test tests/browser/site.test.mjs
//
// Needs Chromium at /usr/bin/chromium (or $CHROMIUM_BIN). If Chromium cannot
// start, every test fails with a message saying so: nothing is skipped.

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXAMPLE = path.join(PROJECT, "example-repo");
// $TKT_BIN is taken as given (relative to the current folder); the default is
// the project's debug build.
const TKT_BIN = process.env.TKT_BIN ? path.resolve(process.env.TKT_BIN) : path.join(PROJECT, "target", "debug", "tkt");
const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** How long a page may take to show what it should (they take milliseconds). */
const WAIT_MS = 10_000;
/** How long `tkt serve` may take to rebuild and the open page to reload. */
const RELOAD_MS = 20_000;

// ---------------------------------------------------------------- helpers

/** Environment for tkt: no pinned clock, tracker or user from the caller. */
function tktEnv() {
  const env = { ...process.env, NO_COLOR: "1" };
  for (const k of ["TKT_NOW", "TKT_DIR", "TKT_USER", "VISUAL", "EDITOR"]) delete env[k];
  return env;
}

function tkt(args, opts = {}) {
  const r = spawnSync(TKT_BIN, args, { encoding: "utf8", env: tktEnv(), timeout: 120_000, ...opts });
  if (r.error) throw new Error(`could not run ${TKT_BIN} ${args.join(" ")}: ${r.error.message}`);
  assert.equal(r.status, 0, `tkt ${args.join(" ")} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function git(cwd, args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A copy of example-repo (without a built _site) in a new folder under `tmp`. */
function copyExample(tmp, name) {
  const dest = path.join(tmp, name);
  fs.cpSync(EXAMPLE, dest, {
    recursive: true,
    filter: (src) => path.relative(EXAMPLE, src).split(path.sep)[0] !== "_site",
  });
  return dest;
}

/** Top-level scalar keys of a Markdown file's YAML front matter. */
function frontMatter(file) {
  const text = fs.readFileSync(file, "utf8");
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  assert.ok(m, `${file} has no front matter`);
  const out = {};
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^([A-Za-z_]\w*):\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2].trim();
    if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1).replace(/''/g, "'");
    else if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = JSON.parse(v);
    out[kv[1]] = v;
  }
  return out;
}

/** Every ticket of a tracker folder: folio, front matter and reply count. */
function readTickets(repo) {
  const dir = path.join(repo, "tickets");
  return fs
    .readdirSync(dir)
    .filter((f) => fs.existsSync(path.join(dir, f, "ticket.md")))
    .sort()
    .map((folio) => ({ folio, ...frontMatter(path.join(dir, folio, "ticket.md")), replies: replyCount(repo, folio) }));
}

function replyCount(repo, folio) {
  const dir = path.join(repo, "tickets", folio, "replies");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".md")).length : 0;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".log": "text/plain; charset=utf-8",
};

/** A plain static file server for the built site, as any web host would be. */
function staticServer(root) {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.join(root, path.normalize(rel));
      if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
      fs.createReadStream(file).pipe(res);
    });
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// ---------------------------------------------------------------- fixture

let tmp;
let site;
let repo;
let tickets;
let context;
let server;
let launchError;
const bases = {};

before(async () => {
  assert.ok(
    fs.existsSync(TKT_BIN),
    `tkt binary not found at ${TKT_BIN}: run \`cargo build\` first or set TKT_BIN`,
  );
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tkt-browser-"));
  repo = copyExample(tmp, "tracker");
  site = path.join(tmp, "site");
  tkt(["--dir", repo, "build", "--out", site]);
  assert.ok(fs.existsSync(path.join(site, "index.html")), "tkt build wrote no index.html");
  tickets = readTickets(repo);
  assert.ok(tickets.length > 5, "example-repo should have tickets");

  server = await staticServer(site);
  bases.http = `http://127.0.0.1:${server.address().port}/`;
  bases.file = pathToFileURL(site).href + "/";

  const profile = fs.mkdtempSync(path.join(tmp, "chromium-profile-"));
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (err) {
    // Not thrown here (that would only "cancel" the tests): every test
    // that needs a page fails with this message instead.
    launchError = new Error(
      `CHROMIUM COULD NOT START (${CHROMIUM}); the browser tests cannot run.\n` +
        `Install it with \`apt-get install -y chromium chromium-driver\` or set CHROMIUM_BIN.\n` +
        `Cause: ${err.message}`,
    );
    return;
  }
  context.setDefaultTimeout(WAIT_MS);
});

after(async () => {
  await context?.close().catch(() => {});
  await new Promise((r) => (server ? server.close(r) : r()));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A new tab that records script errors, console errors and failed loads. */
async function openPage(url) {
  if (launchError) throw launchError;
  assert.ok(context, "Chromium did not start");
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // Chromium asks every http origin for /favicon.ico; the site has none.
    if (m.type() === "error" && !/^http:\/\/[^/]+\/favicon\.ico$/.test(m.location().url)) {
      errors.push(`console error: ${m.text()} (${m.location().url})`);
    }
  });
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText || "";
    // A reload cancels the polling fetch in flight; that is not a fault.
    if (!why.includes("ERR_ABORTED")) errors.push(`request failed: ${r.url()} ${why}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  if (url) await page.goto(url);
  return { page, errors };
}

async function done({ page, errors }) {
  await page.close();
  assert.deepEqual(errors, [], `the page reported errors:\n${errors.join("\n")}`);
}

/** Parses "N of M tickets match." */
async function ticketCount(page) {
  const text = (await page.textContent("#ticket-count")).trim();
  const m = /^(\d+) of (\d+) tickets? match\.$/.exec(text);
  assert.ok(m, `unexpected #ticket-count text: ${JSON.stringify(text)}`);
  return { shown: Number(m[1]), total: Number(m[2]) };
}

/** Waits until the list shows `n` matches (the count and the rows agree). */
async function waitForCount(page, n) {
  await page.waitForFunction(
    (n) => {
      const c = document.getElementById("ticket-count").textContent.trim();
      return c.startsWith(n + " of ") && document.querySelectorAll("#ticket-results tbody tr").length === Math.min(n, 50);
    },
    n,
    { timeout: WAIT_MS },
  );
}

/** The cells of every shown row, as text. */
function rowCells(page) {
  return page.$$eval("#ticket-results tbody tr", (trs) =>
    trs.map((tr) => Array.from(tr.cells, (td) => td.textContent.trim())),
  );
}
const COL = { folio: 0, subject: 1, status: 2, priority: 3, category: 4, assignee: 5 };

/** axe-core's browser bundle, evaluated in each page checked. */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * The serious and critical axe-core violations on the open page, one line
 * per rule: id, help text and the selectors of the offending elements.
 */
async function axeViolations(page) {
  // Evaluated over the DevTools protocol, which the page's
  // Content-Security-Policy does not govern: tkt serve's `default-src
  // 'self'` refuses an inline <script> with the source.
  await page.evaluate(AXE_SOURCE);
  const { violations, passes } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  assert.ok(passes.length > 0, `axe-core checked nothing on ${page.url()}`);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * Checks the open page with axe-core and adds what is wrong to `found`
 * (page name → violations), so that one test can report every page.
 */
async function axeCheck(page, name, found) {
  const violations = await axeViolations(page);
  if (violations.length > 0) found[`${name} (${page.url()})`] = violations;
}

/** Fails listing every page that has serious or critical violations. */
function assertNoViolations(found) {
  const report = Object.entries(found)
    .map(([name, vs]) => `${name}:\n  ${vs.join("\n  ")}`)
    .join("\n");
  assert.deepEqual(Object.keys(found), [], `serious or critical accessibility violations (axe-core):\n${report}`);
}

// ---------------------------------------------------------------- built site

for (const kind of ["http", "file"]) {
  describe(`built site over ${kind}://`, () => {
    // Filtering and search fetch JSON, which a page opened as a file
    // cannot: over file:// they say so (tested below) instead.
    const overHttp = kind === "http" ? test : () => {};

    overHttp("FAQ search finds an entry by a word of its text", async () => {
      const entry = frontMatter(path.join(repo, "faq", "scanner-paper-jams.md"));
      const p = await openPage(bases[kind] + "faq/index.html");
      const { page } = p;
      // "rollers" is only in the body of that entry, not in its title.
      await page.fill("#faq-search input[name=q]", "rollers");
      const link = page.locator("#faq-results ol.results li a", { hasText: entry.title });
      await link.waitFor();
      assert.match(await link.getAttribute("href"), /(^|\/)faq\/scanner-paper-jams\.html$/);
      await link.click();
      await page.waitForURL(/\/faq\/scanner-paper-jams\.html$/);
      assert.equal((await page.textContent("main h1")).trim(), entry.title);

      // A word found nowhere says so and lists nothing.
      await page.goBack();
      await page.fill("#faq-search input[name=q]", "zzxqqwords");
      await page.locator("#faq-results", { hasText: "Nothing found" }).waitFor();
      assert.equal(await page.locator("#faq-results li").count(), 0);
      await done(p);
    });

    overHttp("search.html?q= finds a ticket by a word of its subject", async () => {
      const t = tickets.find((t) => t.folio === "TKT009");
      assert.match(t.subject, /streaks/, "example TKT009's subject changed; pick another word");
      const p = await openPage(bases[kind] + "search.html?q=streaks");
      const { page } = p;
      const link = page.locator(`#search-results li a[href$="tickets/${t.folio}/index.html"]`);
      await link.waitFor();
      assert.ok((await link.textContent()).includes(t.subject), `result text: ${await link.textContent()}`);
      assert.match(await page.textContent("#search-status"), /^\d+\+? results? for “streaks”\.$/);
      assert.equal(await page.inputValue("#site-q"), "streaks");
      await link.click();
      await page.waitForURL(new RegExp(`/tickets/${t.folio}/index\\.html$`));
      await done(p);
    });

    overHttp("the header search box leads to results", async () => {
      const p = await openPage(bases[kind] + "tickets/TKT001/index.html");
      const { page } = p;
      await page.fill("#site-q", "streaks");
      await page.press("#site-q", "Enter");
      await page.waitForURL(/\/search\.html\?q=streaks$/);
      await page.locator('#search-results li a[href$="tickets/TKT009/index.html"]').waitFor();
      await done(p);
    });

    overHttp("ticket list filters narrow the list", async () => {
      const p = await openPage(bases[kind] + "tickets/index.html");
      const { page } = p;
      const notClosed = tickets.filter((t) => t.status !== "closed").length;
      await page.locator("#ticket-results").waitFor({ state: "visible" });
      await waitForCount(page, notClosed);
      assert.deepEqual(await ticketCount(page), { shown: notClosed, total: tickets.length });

      // Every status, closed ones too.
      await page.selectOption("#ticket-filters select[name=status]", "*");
      await waitForCount(page, tickets.length);

      // One status: fewer rows, each of that status.
      const open = tickets.filter((t) => t.status === "open");
      assert.ok(open.length > 0 && open.length < notClosed);
      await page.selectOption("#ticket-filters select[name=status]", "open");
      await waitForCount(page, open.length);
      let rows = await rowCells(page);
      assert.deepEqual(rows.map((r) => r[COL.folio]).sort(), open.map((t) => t.folio).sort());
      for (const r of rows) assert.equal(r[COL.status], "open", `row ${r[COL.folio]}`);
      assert.match(page.url(), /#status=open$/);

      // One category, any status.
      await page.selectOption("#ticket-filters select[name=status]", "*");
      const technical = tickets.filter((t) => t.category === "technical");
      const techName = (await page.textContent('#ticket-filters select[name=category] option[value="technical"]')).trim();
      await page.selectOption("#ticket-filters select[name=category]", "technical");
      await waitForCount(page, technical.length);
      assert.ok(technical.length < tickets.length);
      rows = await rowCells(page);
      assert.deepEqual(rows.map((r) => r[COL.folio]).sort(), technical.map((t) => t.folio).sort());
      for (const r of rows) assert.equal(r[COL.category], techName, `row ${r[COL.folio]}`);

      // Text narrows further: every row shown mentions the word.
      const scanner = technical.filter((t) => /scanner/i.test(t.subject));
      assert.ok(scanner.length > 0 && scanner.length < technical.length);
      await page.fill("#ticket-filters input[name=text]", "Scanner");
      await waitForCount(page, scanner.length);
      rows = await rowCells(page);
      for (const r of rows) assert.match(r[COL.subject], /scanner/i, `row ${r[COL.folio]}`);

      // A folio finds exactly its ticket.
      await page.selectOption("#ticket-filters select[name=category]", "");
      await page.fill("#ticket-filters input[name=text]", "TKT004");
      await waitForCount(page, 1);
      rows = await rowCells(page);
      assert.equal(rows[0][COL.folio], "TKT004");
      const link = page.locator('#ticket-results tbody tr a[href$="tickets/TKT004/index.html"]');
      await link.click();
      await page.waitForURL(/\/tickets\/TKT004\/index\.html$/);
      await done(p);
    });

    overHttp("ticket list reads its filters from the address", async () => {
      const wait = tickets.filter((t) => t.status === "waiting-on-requester");
      const p = await openPage(bases[kind] + "tickets/index.html#status=waiting-on-requester");
      const { page } = p;
      await waitForCount(page, wait.length);
      assert.equal(await page.inputValue("#ticket-filters select[name=status]"), "waiting-on-requester");
      const rows = await rowCells(page);
      for (const r of rows) assert.equal(r[COL.status], "waiting on requester", `row ${r[COL.folio]}`);
      await done(p);
    });

    test("ticket pages show one timeline entry per reply file", async () => {
      const p = await openPage();
      const { page } = p;
      for (const t of tickets) {
        await page.goto(bases[kind] + `tickets/${t.folio}/index.html`);
        const h1 = (await page.textContent("main h1")).replace(/\s+/g, " ").trim();
        assert.equal(h1, `${t.folio} ${t.subject}`);
        assert.equal(
          await page.locator(".timeline .entry").count(),
          t.replies,
          `${t.folio}: .timeline .entry count vs reply files`,
        );
        if (t.replies === 0) assert.match(await page.textContent(".timeline"), /No replies yet/);
      }
      assert.ok(tickets.some((t) => t.replies > 5), "expected a ticket with a long timeline");
      await done(p);
    });
  });
}

describe("built site over file://: what needs HTTP says so", () => {
  const NEEDS_HTTP = /needs the site served over HTTP: run `tkt serve`, or put the folder on any web server\./;

  test("the ticket list says filtering needs HTTP and links the static lists", async () => {
    const p = await openPage(bases.file + "tickets/index.html");
    const { page } = p;
    await page.locator("#ticket-count", { hasText: NEEDS_HTTP }).waitFor();
    assert.match(await page.textContent("#ticket-count"), /^Filtering needs the site served over HTTP/);
    for (const unusable of ["#ticket-results", "#ticket-filters", "#ticket-pager"]) {
      assert.equal(await page.isHidden(unusable), true, `${unusable} is shown`);
    }
    await page.click("#ticket-count a");
    await page.waitForURL(/\/lists\/index\.html$/);
    assert.ok((await page.locator("main a").count()) > 0, "the static lists are there to browse");
    await done(p);
  });

  test("search pages say search needs HTTP, before and after typing", async () => {
    const p = await openPage(bases.file + "search.html");
    const { page } = p;
    await page.locator("#search-status", { hasText: NEEDS_HTTP }).waitFor();
    await page.goto(bases.file + "search.html?q=streaks");
    await page.locator("#search-status", { hasText: NEEDS_HTTP }).waitFor();
    assert.match(await page.textContent("#search-status"), /^Search needs the site served over HTTP/);
    await page.goto(bases.file + "faq/index.html");
    await page.fill("#faq-search input[name=q]", "rollers");
    await page.locator("#faq-results", { hasText: NEEDS_HTTP }).waitFor();
    // The FAQ itself is still there to read.
    assert.ok((await page.locator(".faq-group li a").count()) > 0);
    await done(p);
  });
});

// ---------------------------------------------------------------- accessibility

describe("accessibility of every kind of page of the built site (axe-core)", () => {
  let otherServer;
  let otherBase;

  before(async () => {
    // The public site (its own home page) and a --keep-going build with a
    // broken ticket (errors.html), served side by side.
    const others = path.join(tmp, "other-sites");
    fs.mkdirSync(others);
    tkt(["--dir", repo, "build", "--audience", "public", "--out", path.join(others, "public")]);
    const broken = copyExample(tmp, "broken");
    fs.writeFileSync(path.join(broken, "tickets", "TKT003", "ticket.md"), "---\nsubject: [unclosed\n---\nA broken file.\n");
    spawnSync(TKT_BIN, ["--dir", broken, "build", "--keep-going", "--out", path.join(others, "broken")], { env: tktEnv() });
    assert.ok(fs.existsSync(path.join(others, "broken", "errors.html")), "the --keep-going build wrote no errors.html");
    otherServer = await staticServer(others);
    otherBase = `http://127.0.0.1:${otherServer.address().port}/`;
  });

  after(async () => {
    await new Promise((r) => (otherServer ? otherServer.close(r) : r()));
  });

  /** Ticket pages that differ in what they show. */
  function ticketKinds() {
    const has = (t, key) => new RegExp(`^${key}:`, "m").test(fs.readFileSync(path.join(repo, "tickets", t.folio, "ticket.md"), "utf8"));
    const kinds = {
      "ticket with attachments": tickets.find((t) => has(t, "attachments")),
      "resolved ticket": tickets.find((t) => t.status === "resolved"),
      "open ticket with actions": tickets.find((t) => t.status !== "closed" && t.status !== "resolved" && has(t, "actions")),
      "ticket waiting on the requester": tickets.find((t) => t.status === "waiting-on-requester"),
      "confidential ticket": tickets.find((t) => t.confidential === "true"),
      "escalated ticket with related tickets": tickets.find((t) => has(t, "escalated") && has(t, "related")),
    };
    for (const [kind, t] of Object.entries(kinds)) assert.ok(t, `example-repo has no ${kind}`);
    return Object.entries(kinds).map(([kind, t]) => [kind, `tickets/${t.folio}/index.html`]);
  }

  test("no page has a serious or critical violation", async () => {
    const faq = fs.readdirSync(path.join(repo, "faq")).sort().find((f) => f.endsWith(".md"));
    const canned = fs.readdirSync(path.join(repo, "canned")).sort().find((f) => f.endsWith(".md"));
    const aTicket = ticketKinds()[0][1];
    // [what, address, a selector that shows once scripts have filled the page]
    const pages = [
      ["dashboard", bases.http + "index.html"],
      ["ticket list, filled", bases.http + "tickets/index.html#status=*", "#ticket-results tbody tr"],
      ["index of the static lists", bases.http + "lists/index.html"],
      ["static list by status", bases.http + "lists/status/open/index.html"],
      ["static list of a saved view", bases.http + "lists/view/my-queue/index.html"],
      ...ticketKinds().map(([kind, url]) => [kind, bases.http + url]),
      ["audit trail of a ticket", bases.http + aTicket.replace(/index\.html$/, "history.html")],
      ["FAQ index", bases.http + "faq/index.html"],
      ["FAQ entry", bases.http + `faq/${faq.replace(/\.md$/, ".html")}`],
      ["knowledge base", bases.http + "kb/index.html"],
      ["canned answers", bases.http + "canned/index.html"],
      ["canned answer", bases.http + `canned/${canned.replace(/\.md$/, ".html")}`],
      ["reports, all time", bases.http + "reports/index.html"],
      ["reports, last weeks", bases.http + "reports/last-4-weeks/index.html"],
      ["search results", bases.http + "search.html?q=streaks", "#search-results li a"],
      ["how to ask", bases.http + "register.html"],
      ["not found", bases.http + "404.html"],
      ["page listing unreadable files", otherBase + "broken/errors.html"],
      ["public home", otherBase + "public/index.html"],
      ["public reports", otherBase + "public/reports/index.html"],
      ["public how to ask", otherBase + "public/register.html"],
      ["public search results", otherBase + "public/search.html?q=scanner", "#search-results li a"],
    ];
    const p = await openPage();
    const { page } = p;
    const found = {};
    for (const [name, url, ready] of pages) {
      await page.goto(url);
      if (ready) await page.locator(ready).first().waitFor();
      await axeCheck(page, name, found);
    }
    // The FAQ index with its search results shown.
    await page.goto(bases.http + "faq/index.html");
    await page.fill("#faq-search input[name=q]", "rollers");
    await page.locator("#faq-results li a").first().waitFor();
    await axeCheck(page, "FAQ index with search results", found);
    // Narrow screens overflow other boxes than wide ones.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [name, url, ready] of pages.filter(([name]) => /^(reports|ticket list|dashboard|audit)/.test(name))) {
      await page.goto(url);
      if (ready) await page.locator(ready).first().waitFor();
      await axeCheck(page, `${name}, on a narrow screen`, found);
    }
    await done(p);
    assertNoViolations(found);
  });
});

// ---------------------------------------------------------------- other origins

/** The data files a site holds: every ticket row and the search shards. */
function dataFiles() {
  const shards = fs.readdirSync(path.join(site, "search")).map((f) => `search/${f}`);
  return ["data/tickets.json", ...shards];
}

/**
 * Opens a page on another origin (a server of its own, on another port)
 * that tries to read the site's data files at `base` by <script src>, by
 * fetch() and by a no-cors fetch, and returns everything it got hold of.
 */
async function readFromAnotherOrigin(base) {
  const files = dataFiles();
  const html = `<!DOCTYPE html><meta charset="utf-8"><title>elsewhere</title>
<script>
  window.__before = new Set(Object.getOwnPropertyNames(window));
  window.__got = { scripts: {}, fetched: [], refused: [] };
  window.onerror = () => true;
</script>
${files.map((f) => `<script src="${base}${f}"></script>`).join("\n")}
<script>
  for (const name of Object.getOwnPropertyNames(window)) {
    if (window.__before.has(name) || name.startsWith("__")) continue;
    try { window.__got.scripts[name] = JSON.stringify(window[name]); } catch (e) { window.__got.scripts[name] = String(window[name]); }
  }
  window.__done = Promise.all(${JSON.stringify(files)}.flatMap((f) => [
    fetch(${JSON.stringify(base)} + f).then((r) => r.text()).then((t) => window.__got.fetched.push(f + ": " + t), (e) => window.__got.refused.push(f)),
    fetch(${JSON.stringify(base)} + f, { mode: "no-cors" }).then((r) => r.text()).then((t) => window.__got.fetched.push(f + " (no-cors): " + t), () => window.__got.refused.push(f)),
  ]));
</script>`;
  const other = http.createServer((req, res) => res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html));
  await new Promise((r) => other.listen(0, "127.0.0.1", r));
  const page = await (async () => {
    if (launchError) throw launchError;
    return context.newPage();
  })();
  try {
    const origin = `http://127.0.0.1:${other.address().port}/`;
    assert.notEqual(new URL(origin).origin, new URL(base).origin);
    await page.goto(origin);
    return await page.evaluate(async () => {
      await window.__done;
      return { ...window.__got, text: document.body ? document.body.innerText : "" };
    });
  } finally {
    await page.close();
    // Without this, close() waits for the browser's keep-alive connection.
    other.closeAllConnections();
    await new Promise((r) => other.close(r));
  }
}

/** Asserts that nothing another origin got names a ticket. */
function assertNoTicketText(got, where) {
  const all = JSON.stringify(got);
  for (const t of tickets) {
    for (const needle of [t.subject, JSON.stringify(t.subject).slice(1, -1)]) {
      assert.ok(!all.includes(needle), `another origin read ticket ${t.folio}'s subject from ${where}:\n${all.slice(0, 2000)}`);
    }
  }
  assert.deepEqual(Object.keys(got.scripts), [], `the data files set globals: ${Object.keys(got.scripts)}`);
  assert.equal(got.fetched.filter((f) => !f.endsWith("(no-cors): ")).length, 0, `fetched: ${got.fetched.join("\n").slice(0, 2000)}`);
}

describe("another web site open in the same browser", () => {
  test("cannot read the ticket data of the built site", async () => {
    const got = await readFromAnotherOrigin(bases.http);
    assertNoTicketText(got, bases.http);
    assert.ok(got.refused.length > 0, "the cross-origin fetches were refused");
  });
});

// ---------------------------------------------------------------- tkt serve

describe("tkt serve", () => {
  let live;
  let child;
  let output = "";

  before(async () => {
    live = copyExample(tmp, "live");
    git(live, ["init", "-q"]);
    git(live, ["config", "user.name", "Browser Test"]);
    git(live, ["config", "user.email", "browser-test@example.org"]);
    git(live, ["config", "commit.gpgsign", "false"]);
    git(live, ["add", "-A"]);
    git(live, ["commit", "-q", "-m", "Example tracker"]);

    child = spawn(TKT_BIN, ["--dir", live, "serve", "--port", "0"], {
      env: tktEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => (output += d));
    bases.serve = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tkt serve printed no address in 60 s:\n${output}`)), 60_000);
      child.on("exit", (code, sig) => reject(new Error(`tkt serve exited early (${code ?? sig}):\n${output}`)));
      child.stdout.on("data", (d) => {
        output += d;
        const m = /^Serving .* at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/m.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
  });

  test("an open ticket page reloads itself after a reply", async () => {
    const t = tickets.find((t) => !["closed", "resolved"].includes(t.status) && t.replies > 0);
    assert.ok(t, "expected an open ticket with replies in example-repo");
    const p = await openPage(bases.serve + `tickets/${t.folio}/index.html`);
    const { page } = p;
    assert.equal(await page.locator('script[src="/__tkt/reload.js"]').count(), 1, "reload script not injected");
    assert.equal(await page.locator(".timeline .entry").count(), t.replies);
    await page.evaluate(() => (window.__notReloadedYet = true));

    const text = `Browser reload check ${process.pid}-${Date.now()}`;
    tkt(["--dir", live, "--as", "tomas", "reply", t.folio, "-m", text]);
    assert.equal(replyCount(live, t.folio), t.replies + 1, "tkt reply wrote no reply file");

    // No navigation from here: the page must reload by itself.
    await page
      .locator(".timeline .entry", { hasText: text })
      .waitFor({ timeout: RELOAD_MS })
      .catch((e) => {
        throw new Error(`the open page did not show the new reply within ${RELOAD_MS / 1000} s: ${e.message}\n` + `tkt serve said:\n${output}`);
      });
    // The reply's file and its commit may each cause a rebuild, so the page
    // may reload twice: wait for the state rather than read it once.
    await page.waitForFunction(
      (n) => window.__notReloadedYet === undefined && document.querySelectorAll(".timeline .entry").length === n,
      t.replies + 1,
      { timeout: WAIT_MS },
    );
    await done(p);
  });

  test("another web site cannot read the ticket data from tkt serve", async () => {
    const got = await readFromAnotherOrigin(bases.serve);
    assertNoTicketText(got, bases.serve);
  });

  test("the list filters and search work over tkt serve", async () => {
    const p = await openPage(bases.serve + "tickets/index.html#status=*");
    const { page } = p;
    await waitForCount(page, tickets.length);
    await page.fill("#ticket-filters input[name=text]", "TKT004");
    await waitForCount(page, 1);
    await page.goto(bases.serve + "search.html?q=streaks");
    await page.locator('#search-results li a[href$="tickets/TKT009/index.html"]').waitFor();
    await done(p);
  });

  test("tkt serve stops cleanly on SIGINT", async () => {
    const exited = new Promise((r) => child.once("exit", (code, sig) => r({ code, sig })));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const { code, sig } = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, `tkt serve exit ${code ?? sig} after SIGINT:\n${output}`);
  });
});

describe("the web forms over tkt serve", () => {
  let desk;
  let child;
  let base;
  let output = "";

  before(async () => {
    desk = copyExample(tmp, "web");
    // The example's own `web:` section (its last), opened to anyone and
    // published under a public name.
    const config = path.join(desk, "helpdesk.yaml");
    const text = fs.readFileSync(config, "utf8");
    const kept = text.slice(0, text.indexOf("\nweb:\n") + 1);
    assert.ok(kept.length > 1, "example-repo/helpdesk.yaml has no web: section");
    fs.writeFileSync(
      config,
      kept +
        "web:\n  base_url: https://help.example.org\n  registration:\n    open_to: anyone\n" +
        "  requester_sees: [status, replies, actions, assignee, attachments]\n",
    );
    git(desk, ["init", "-q"]);
    git(desk, ["config", "user.name", "Browser Test"]);
    git(desk, ["config", "user.email", "browser-test@example.org"]);
    git(desk, ["config", "commit.gpgsign", "false"]);
    git(desk, ["add", "-A"]);
    git(desk, ["commit", "-q", "-m", "Example tracker with the web form"]);
    child = spawn(TKT_BIN, ["--dir", desk, "serve", "--no-watch", "--port", "0"], {
      env: tktEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => (output += d));
    base = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tkt serve printed no address in 60 s:\n${output}`)), 60_000);
      child.on("exit", (code, sig) => reject(new Error(`tkt serve exited early (${code ?? sig}):\n${output}`)));
      child.stdout.on("data", (d) => {
        output += d;
        const m = /^Serving .* at (http:\/\/127\.0\.0\.1:\d+)\/ \(Ctrl-C to stop\)$/m.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
  });

  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  /**
   * Registers a technical request on the open /new page as Samira, with
   * `file` attached if given, and returns the follow-up address (on this
   * server) the answer links to.
   */
  async function register(page, subject, file) {
    await page.click("text=Technical support");
    await page.fill("#f-name", "Samira Haddad");
    await page.fill("#f-email", "samira@partner.example");
    await page.fill("#f-subject", subject);
    await page.selectOption("#f-field\\.device", "other");
    await page.fill("#f-description", "Since this morning the screen stays black with my laptop.");
    if (file) await page.setInputFiles("#f-attachments", file);
    await page.click("button[type=submit]");
    await page.locator("h1", { hasText: /^Ticket TKT\d+ registered/ }).waitFor({ timeout: WAIT_MS });
    const link = await page.locator("a.follow-up-link").getAttribute("href");
    assert.match(link, /^https:\/\/help\.example\.org\/t\/[0-9a-f]{32}$/);
    return base + new URL(link).pathname;
  }

  test("FAQ entries that might answer are offered while the subject is typed", async () => {
    const p = await openPage(base + "/new/technical");
    const { page } = p;
    await page.locator("#f-subject").pressSequentially("scanner jamming", { delay: 20 });
    await page
      .locator("#faq-suggestions a", { hasText: "The scanner keeps jamming on multi-page documents" })
      .waitFor({ timeout: WAIT_MS });
    assert.equal(
      await page.locator("#faq-suggestions a").first().getAttribute("href"),
      "/faq/scanner-paper-jams.html",
    );
    await done(p);
  });

  test("a requester registers, follows the ticket, replies and confirms the solution", async () => {
    const p = await openPage(base + "/new");
    const { page } = p;
    const followUp = await register(page, "The meeting-room screen shows no signal", {
      name: "no-signal.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("The screen says: NO SIGNAL (HDMI 1)\n"),
    });
    assert.ok(await page.locator("h1", { hasText: "Ticket TKT032 registered" }).isVisible());

    // The operator answers in the repository; the requester sees it.
    tkt(["--dir", desk, "--as", "tomas", "reply", "32", "-m", "Which laptop model is it?"]);
    tkt(["--dir", desk, "--as", "tomas", "note", "32", "-m", "INTERNAL: adapter stock is low."]);
    await page.goto(followUp);
    await page.locator("text=Which laptop model is it?").waitFor({ timeout: WAIT_MS });
    assert.ok(!(await page.content()).includes("adapter stock"), "an internal note was shown");
    // The file sent with the form is the ticket's, and the page lists it.
    await page.locator("li", { hasText: "no-signal.txt" }).waitFor({ timeout: WAIT_MS });
    assert.equal(
      fs.readFileSync(path.join(desk, "tickets", "TKT032", "attachments", "no-signal.txt"), "utf8"),
      "The screen says: NO SIGNAL (HDMI 1)\n",
    );

    await page.fill("#f-body", "A ThinkPad X1, with the USB-C adapter.");
    await page.setInputFiles("#f-attachments", {
      name: "adapter.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("USB-C to HDMI, 4K\n"),
    });
    await page.click("button[value=reply]");
    await page.locator("text=A ThinkPad X1, with the USB-C adapter.").waitFor({ timeout: WAIT_MS });
    await page.locator("li", { hasText: "adapter.txt" }).waitFor({ timeout: WAIT_MS });
    const shown = JSON.parse(tkt(["--dir", desk, "--as", "tomas", "show", "32", "--json"]));
    assert.equal(shown.requester, "samira");
    assert.deepEqual(shown.attachments, ["no-signal.txt"]);
    const replied = shown.timeline.find((e) => e.author === "samira" && e.kind === "reply");
    assert.deepEqual(replied && replied.attachments, ["adapter.txt"]);
    assert.ok(shown.timeline.some((e) => e.author === "samira" && e.kind === "reply"), "no reply by the requester");

    tkt(["--dir", desk, "--as", "tomas", "resolve", "32", "--solution", "Replaced the USB-C adapter."]);
    await page.goto(followUp);
    await page.click("button[value=confirm]");
    await page.locator("dd", { hasText: "closed" }).waitFor({ timeout: WAIT_MS });
    const closed = JSON.parse(tkt(["--dir", desk, "--as", "tomas", "show", "32", "--json"]));
    assert.equal(closed.status, "closed");
    await done(p);
  });

  test("no form, follow-up or sign-in page has a serious or critical accessibility violation (axe-core)", async () => {
    const p = await openPage();
    const { page } = p;
    const found = {};
    await page.goto(base + "/new");
    await axeCheck(page, "choosing a form", found);
    await page.goto(base + "/new/no-such-category");
    await axeCheck(page, "no such form", found);
    await page.goto(base + "/new/technical");
    await axeCheck(page, "a registration form", found);
    await page.locator("#f-subject").pressSequentially("scanner jamming", { delay: 20 });
    await page.locator("#faq-suggestions a").first().waitFor();
    await axeCheck(page, "a registration form offering FAQ entries", found);
    await page.goto(base + "/new/technical");
    await page.click("button[type=submit]");
    await page.locator(".form-error").first().waitFor();
    await axeCheck(page, "a registration form sent empty", found);

    await page.goto(base + "/new");
    const followUp = await register(page, "The projector in room 2 flickers");
    await axeCheck(page, "a registered request", found);
    await page.goto(followUp);
    await axeCheck(page, "a follow-up page", found);
    const folio = /^TKT(\d+)/.exec((await page.textContent("h1")).trim())?.[1];
    assert.ok(folio, "the follow-up page names no ticket");
    tkt(["--dir", desk, "--as", "tomas", "reply", folio, "-m", "Which cable do you use?"]);
    tkt(["--dir", desk, "--as", "tomas", "resolve", folio, "--solution", "Replaced the HDMI cable."]);
    await page.goto(followUp);
    await page.locator("button[value=confirm]").waitFor();
    await axeCheck(page, "a follow-up page of a resolved request", found);
    await page.click("button[value=reply]");
    await page.locator(".form-error").first().waitFor();
    await axeCheck(page, "a follow-up page with an empty reply sent", found);
    await page.goto(base + "/t/" + "0".repeat(32));
    await axeCheck(page, "a follow-up link that opens nothing", found);

    await page.goto(base + "/signin");
    await axeCheck(page, "signing in", found);
    tkt(["--dir", desk, "--as", "helena", "passwd", "tomas", "--stdin"], { input: "a long enough password\n" });
    await page.fill("#f-login", "tomas");
    await page.fill("#f-password", "not the password");
    await page.click("button[type=submit]");
    await page.locator(".form-error").waitFor();
    await axeCheck(page, "signing in with a wrong password", found);
    await page.fill("#f-login", "tomas");
    await page.fill("#f-password", "a long enough password");
    await page.click("button[type=submit]");
    await page.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await page.goto(base + "/signin");
    await page.locator("button", { hasText: "Sign out" }).waitFor();
    await axeCheck(page, "signed in", found);
    await page.goto(base + "/index.html");
    assert.equal(new URL(page.url()).pathname, "/index.html", "signed in, the dashboard is not shown");
    await axeCheck(page, "the dashboard over tkt serve, signed in", found);
    await page.goto(`${base}/act/TKT${folio}`);
    await page.locator("h1", { hasText: `TKT${folio}` }).waitFor();
    await axeCheck(page, "the operator's page of a ticket", found);
    await page.click("button[value=escalate]");
    await page.locator(".form-error").first().waitFor();
    await axeCheck(page, "the operator's page with a refusal", found);
    await page.goto(base + "/signin");
    await page.click("button:has-text('Sign out')");
    await page.locator("button", { hasText: "Sign out" }).waitFor({ state: "detached" });

    // The requester, signed in: their own tickets, and one of them.
    tkt(["--dir", desk, "--as", "helena", "passwd", "samira", "--stdin"], { input: "samira's own passphrase\n" });
    await page.goto(base + "/signin");
    await page.fill("#f-login", "samira@partner.example");
    await page.fill("#f-password", "samira's own passphrase");
    await page.click("form.signin-form button[type=submit]");
    await page.waitForURL((u) => u.pathname === "/mine");
    await axeCheck(page, "a requester's own tickets", found);
    await page.click(`a[href="/mine/TKT${folio}"]`);
    await page.locator("h1", { hasText: `TKT${folio}` }).waitFor();
    await axeCheck(page, "a requester's own ticket", found);
    await page.goto(base + "/mine");
    await page.click("button:has-text('Sign out')");
    // Closing the tab while the sign-out is under way can stall it.
    await page.waitForURL((u) => u.pathname === "/signin");

    // These pages answer with an error status, as they should; the browser
    // reports each twice: the response, and a console line.
    const meant = [
      [404, `${base}/new/no-such-category`],
      [400, `${base}/new/technical`],
      [400, followUp],
      [400, `${base}/signin`],
      [400, `${base}/act/TKT${folio}`],
      [404, `${base}/t/${"0".repeat(32)}`],
    ];
    const isMeant = (e) =>
      meant.some(
        ([status, url]) =>
          e === `HTTP ${status}: ${url}` ||
          (e.startsWith(`console error: Failed to load resource: the server responded with a status of ${status} `) &&
            e.endsWith(`(${url})`)),
      );
    p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !isMeant(e)));
    await done(p);
    assertNoViolations(found);
  });

  test("an operator signs in, replies and resolves with a canned answer", async () => {
    tkt(["--dir", desk, "--as", "tomas", "passwd", "tomas", "--stdin"], { input: "a long operator passphrase\n" });
    const folio = tkt([
      "--dir", desk, "--as", "tomas", "new", "-s", "The label printer prints blank labels",
      "-c", "technical", "--field", "device=printer", "--requester", "priya",
      "-m", "Every label comes out blank since the update.",
    ]).trim();

    // Not signed in: the operator's page sends to sign in, and back.
    const p = await openPage(base + "/act/" + folio);
    const { page } = p;
    await page.locator("#f-login").waitFor({ timeout: WAIT_MS });
    await page.fill("#f-login", "tomas");
    await page.fill("#f-password", "a long operator passphrase");
    await page.click("form.signin-form button[type=submit]");
    await page.locator("h1", { hasText: folio }).waitFor({ timeout: WAIT_MS });

    await page.fill("#f-body", "Which label roll is loaded?");
    await page.click("button[value=reply]");
    await page.locator("[role=status]", { hasText: "The reply was sent." }).waitFor({ timeout: WAIT_MS });

    await page.selectOption("#f-solution_canned", "resolved-please-confirm");
    await page.click("button[value=fill-solution]");
    const filled = await page.inputValue("#f-solution");
    assert.ok(filled.trim().length > 0, "the canned answer was not filled in");
    await page.click("button[value=resolve]");
    await page.locator("[role=status]", { hasText: "The ticket was resolved" }).waitFor({ timeout: WAIT_MS });

    const shown = JSON.parse(tkt(["--dir", desk, "--as", "tomas", "show", folio, "--json"]));
    assert.equal(shown.status, "resolved");
    assert.equal(shown.solution.trim(), filled.replace(/\r\n/g, "\n").trim());
    assert.ok(shown.timeline.some((e) => e.author === "tomas" && e.kind === "reply"), "no reply by the operator");
    // Two commits, the operator's, from the web.
    const log = git(desk, ["log", "-2", "--format=%an|%B"]);
    assert.equal(log.match(/Via: web/g)?.length, 2, log);
    assert.equal(log.match(/^Tomás Reyes\|/gm)?.length, 2, log);
    await done(p);
  });
});
