// Opens the published index.html in headless Chromium (Debian's /usr/bin/chromium, driven by the
// pinned playwright-core) with the network off, and reports what a reader would see.
//
//   node docs_in_browser.mjs INDEX_HTML [SCREENSHOT_PNG]
//
// Prints one JSON object: the page's rendered text (innerText: what is on screen without a click),
// each operation's section (its text and header rows), every request the page made (none may leave file://), every link and whether it resolves (an
// in-page anchor with its target, or a file beside the page), and what following a few in-page
// links did. Console errors are reported too.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [htmlPath, screenshot] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const userDataDir = mkdtempSync(join(tmpdir(), "docs-chromium-"));
const report = { requests: [], blocked: [], consoleErrors: [], links: [], followed: [] };

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  offline: true, // the network is off for the page: any attempt fails (and is recorded below)
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  // Every request the page makes, whatever its scheme; anything but file:// is also refused.
  context.on("request", (request) => report.requests.push(request.url()));
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file://")) return route.continue();
    report.blocked.push(url);
    return route.abort("internetdisconnected");
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => report.consoleErrors.push(String(error)));

  const url = pathToFileURL(htmlPath).href;
  await page.goto(url, { waitUntil: "load" });
  report.url = page.url();
  report.title = await page.title();
  report.text = await page.evaluate(() => document.body.innerText);
  report.scripts = await page.evaluate(() => document.scripts.length);
  // Each operation's section as a reader sees it: its text, and its header tables' rows as cells.
  report.operations = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("section.operation")].map((section) => [
        section.id,
        {
          text: section.innerText,
          headerRows: [...section.querySelectorAll("table")]
            .filter((table) => table.querySelector("th")?.innerText.trim() === "Header")
            .flatMap((table) => [...table.querySelectorAll("tbody tr")])
            .map((row) => [...row.cells].map((cell) => cell.innerText.trim())),
        },
      ]),
    ),
  );

  // Every link: an anchor in this page, or a file beside it, or (only) a full https URL.
  const here = dirname(fileURLToPath(url));
  const links = await page.evaluate(() =>
    [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  );
  for (const href of new Set(links)) {
    let resolves;
    if (href.startsWith("#")) {
      const id = decodeURIComponent(href.slice(1));
      resolves = await page.evaluate((target) => document.getElementById(target) !== null, id);
    } else if (/^https:\/\//.test(href)) {
      resolves = "external";
    } else if (/^[a-z]+:/i.test(href) || href.startsWith("/")) {
      resolves = false; // another scheme, or root-absolute: broken from file://
    } else {
      resolves = existsSync(join(here, href.split("#")[0]));
    }
    report.links.push({ href, resolves });
  }

  // Follow in-page links as a reader would: the page stays itself and scrolls to the target.
  for (const target of ["op-placeTrailingOrder", "op-getCrossTrailingOrderHistory", "intro-worked-example", "schema-ErrorReply"]) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`main a[href="#${target}"], nav a[href="#${target}"]`).first().click();
    const state = await page.evaluate((id) => {
      const box = document.getElementById(id).getBoundingClientRect();
      return { href: location.href, top: box.top, scrollY: window.scrollY };
    }, target);
    report.followed.push({ target, ...state });
  }
  if (screenshot) {
    await page.goto(url + "#op-cancelTrailingOrders");
    await page.screenshot({ path: screenshot });
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
