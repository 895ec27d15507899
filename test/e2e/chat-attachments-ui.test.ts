import { readFileSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import { clamdAvailable, EICAR, startClamd, type TestClamd } from "../helpers/clamd.js";
import { acceptWaiting, chatWorkspace, expectNoAxeViolations, widget } from "./chat-workspace.js";

// Chat attachments as people see them, both ways, through a running Airlock with a real clamd
// and Chromium: the visitor (on a 360 px phone) attaches with a labelled button, sees the upload
// progress, the scan and the file ready; the agent sees and downloads it (always a download);
// the agent sends one back and the visitor downloads it; an infected file, an HTML page named
// .png and an oversized file are refused to their sender with a sentence, and the agent sees
// nothing of them. Names are hostile (markup, a right-to-left override) and show as text only.
// Screenshots: test-results/screenshots/attach-ui-*.png (printed as they are taken).

const suite = chromiumPath && clamdAvailable() ? describe : describe.skip;

const NARROW = { width: 360, height: 740 } as const;
const MARKUP_NAME = "<img src=x onerror=alert(1)>statement.pdf";
const RTL_NAME = "card-letter\u202Efdp.txt";
const PDF = Buffer.from(`%PDF-1.4\n${"statement line\n".repeat(14_000)}%%EOF\n`);

suite("chat attachments in the widget and the workspace (Chromium, clamd)", () => {
  let clamd: TestClamd | undefined;
  beforeAll(async () => {
    clamd = await startClamd();
  }, 60_000);
  afterAll(async () => clamd?.stop());
  const ws = chatWorkspace("attach-ui", { env: () => ({ AIRLOCK_CLAMD_ADDRESS: clamd?.address ?? "" }) });

  let alex: Page;
  let visitor: Page;
  let pane: Locator;
  /** Frames the visitor's page sent, and a switch that holds the server's upload progress back (to look at it). */
  const sentByVisitor: string[] = [];
  let holdProgress = false;
  const held: (() => void)[] = [];

  const shot = async (page: Page, name: string) => {
    await ws.shot(page, name);
    console.log(`screenshot: ${screenshotPath(`attach-ui-${name}`)}`);
  };
  const attach = async (page: Page, button: Locator, file: { name: string; mimeType: string; buffer: Buffer }) => {
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), button.click()]);
    await chooser.setFiles(file);
  };
  const visitorAttach = (file: { name: string; mimeType: string; buffer: Buffer }) => attach(visitor, widget(visitor).getByRole("button", { name: "Attach a file" }), file);
  const agentAttach = (file: { name: string; mimeType: string; buffer: Buffer }) => attach(alex, pane.getByRole("button", { name: "Attach file" }), file);
  const visitorFile = (name: string) => widget(visitor).locator(".alc-file").filter({ has: visitor.locator(".alc-file-name", { hasText: name }) });

  it("a chat starts on a phone; the attach button is labelled and reachable by keyboard", async () => {
    alex = await ws.agent("agent");
    visitor = await ws.visitor(NARROW);
    await visitor.routeWebSocket(/\/ws\/visitor/, (page) => {
      const server = page.connectToServer();
      page.onMessage((m) => {
        sentByVisitor.push(String(m));
        server.send(m);
      });
      server.onMessage((m) => {
        const text = String(m);
        const progress = /"kind":"chat-file-progress".*"received":(\d+)/.exec(text);
        if (holdProgress && progress && Number(progress[1]) >= 64 * 1024) held.push(() => page.send(m));
        else page.send(m);
      });
    });
    await visitor.reload();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Hello, I have a statement to show you.");
    await input.press("Enter");
    await acceptWaiting(alex);
    pane = alex.locator(".chat-pane").filter({ hasText: "Hello, I have a statement to show you." });
    await widget(visitor).getByText("Alex Agent has joined the chat.").waitFor();
    // Shift+Tab from the message box reaches the attach button.
    await input.focus();
    await visitor.keyboard.press("Shift+Tab");
    expect(await widget(visitor).getByRole("button", { name: "Attach a file" }).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  }, 90_000);

  it("visitor → agent: a PDF with a markup name shows its progress and scan, then the agent sees it as text and downloads it as an attachment", async () => {
    holdProgress = true;
    await visitorAttach({ name: MARKUP_NAME, mimeType: "application/pdf", buffer: PDF });
    const bubble = visitorFile("statement.pdf");
    const bar = bubble.getByRole("progressbar", { name: `Upload of ${MARKUP_NAME}` });
    await bar.waitFor();
    // The server holds the first chunk; its answer about the second is held back.
    await expect.poll(async () => Number(await bar.getAttribute("value"))).toBe(32 * 1024);
    await expect(bubble.locator(".alc-file-state").innerText()).resolves.toMatch(/^Uploading… \d+ %$/);
    // Nothing of it at the agent while it uploads.
    expect(await pane.locator(".chat-file").count()).toBe(0);
    await shot(visitor, "01-visitor-uploading");
    holdProgress = false;
    for (const release of held.splice(0)) release();

    await bubble.getByRole("button", { name: `Download ${MARKUP_NAME}` }).waitFor();
    await expect(bubble.locator(".alc-file-meta").innerText()).resolves.toBe("PDF · 205 KB");
    const received = pane.locator(".chat-file").filter({ hasText: "statement.pdf" });
    await received.waitFor();
    // The name is text: no element was made of it.
    expect(await received.locator(".chat-file-name").innerText()).toBe(MARKUP_NAME);
    expect(await pane.locator("img").count()).toBe(0);
    await expect(received.locator(".chat-file-meta").innerText()).resolves.toBe("PDF document · 205 KB · virus scan passed");
    await shot(alex, "02-agent-received-pdf");
    await shot(visitor, "03-visitor-sent-pdf");

    const link = received.getByRole("link", { name: `Download ${MARKUP_NAME}` });
    const [download] = await Promise.all([alex.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/statement\.pdf$/);
    expect(readFileSync(await download.path()).equals(PDF)).toBe(true);
    const res = await alex.context().request.get(`${ws.server.url}${await link.getAttribute("href")}`);
    expect(res.headers()["content-disposition"]).toMatch(/^attachment; /);
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  }, 60_000);

  it("agent → visitor: a text file with a right-to-left override in its name; the visitor reads the name plainly and downloads the file", async () => {
    const text = Buffer.from("Your new card letter arrives within 5 days.\n");
    await agentAttach({ name: RTL_NAME, mimeType: "text/plain", buffer: text });
    const shown = "card-letter\uFFFDfdp.txt";
    const mine = pane.locator(".chat-file").filter({ hasText: shown });
    await mine.getByRole("link", { name: `Download ${shown}` }).waitFor();
    const bubble = visitorFile(shown);
    await bubble.waitFor();
    expect(await bubble.locator(".alc-file-name").innerText()).toBe(shown);
    expect(await widget(visitor).innerText()).not.toContain("\u202E");
    await shot(visitor, "04-visitor-received-from-agent");
    await shot(alex, "05-agent-sent-file");
    const [download] = await Promise.all([visitor.waitForEvent("download"), bubble.getByRole("button", { name: `Download ${shown}` }).click()]);
    expect(readFileSync(await download.path()).equals(text)).toBe(true);
  }, 60_000);

  it("an infected file is refused to the visitor with a sentence; the agent sees nothing of it and the audit trail records it", async () => {
    await visitorAttach({ name: "invoice.txt", mimeType: "text/plain", buffer: Buffer.from(EICAR, "latin1") });
    const bubble = visitorFile("invoice.txt");
    await expect.poll(() => bubble.locator(".alc-file-state").innerText()).toBe("Not sent: our virus scan found something harmful in this file. It was not shared with anyone.");
    await shot(visitor, "06-visitor-infected-refused");
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Did my invoice arrive?");
    await input.press("Enter");
    await pane.getByText("Did my invoice arrive?").waitFor();
    expect(await pane.locator(".chat-file").count()).toBe(2);
    expect(await pane.locator(".chat-log").innerText()).not.toContain("invoice.txt");

    // The other way: the agent's infected file is refused to the agent; the visitor sees nothing of it.
    await agentAttach({ name: "form-for-you.pdf", mimeType: "application/pdf", buffer: Buffer.from(`%PDF-1.4\n${EICAR}\n%%EOF\n`, "latin1") });
    const refused = pane.locator(".chat-file-refused").filter({ hasText: "form-for-you.pdf" });
    await expect.poll(() => refused.locator(".chat-file-state").innerText()).toBe("The malware scan found something harmful in that file, so it was quarantined and not sent.");
    await shot(alex, "07-agent-infected-refused");
    await pane.getByRole("textbox", { name: "Message" }).fill("Here is the form.");
    await pane.getByRole("textbox", { name: "Message" }).press("Enter");
    await widget(visitor).getByText("Here is the form.").waitFor();
    expect(await widget(visitor).innerText()).not.toContain("form-for-you");

    const { agent: auditor } = await signInEnrolled(ws.server, "auditor");
    const audit = await auditor.json(`${ws.server.url}/api/v1/audit?action=chat.file_quarantined`);
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toMatchObject([
      { actor: expect.stringMatching(/^agent:/), action: "chat.file_quarantined", decision: "deny" },
      { actor: "visitor:demo", action: "chat.file_quarantined", decision: "deny" },
    ]);
  }, 60_000);

  it("an HTML page named .png is refused by its bytes, an oversized file before any byte is sent; each with a sentence, nothing at the agent", async () => {
    await visitorAttach({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("<!doctype html><script>alert(1)</script>") });
    await expect.poll(() => visitorFile("photo.png").locator(".alc-file-state").innerText()).toBe("Not sent: files of this type are not accepted. You can send PDF, PNG, JPG, GIF, WEBP, TXT.");
    await visitorAttach({ name: "huge.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(3 * 1024 * 1024, 0x20) });
    await expect.poll(() => visitorFile("huge.pdf").locator(".alc-file-state").innerText()).toBe("Not sent: this file is larger than 2 MB. Please send a smaller file.");
    expect(sentByVisitor.filter((f) => f.includes('"kind":"chat-file-start"') && f.includes("huge.pdf"))).toEqual([]);
    expect(await pane.locator(".chat-log").innerText()).not.toMatch(/photo\.png|huge\.pdf/);
    await shot(visitor, "08-visitor-refusals");
  }, 60_000);

  it("on a 360 px phone every file bubble stays inside the panel and its name wraps; axe finds nothing in the widget or the workspace", async () => {
    const panel = await widget(visitor).locator(".alc-panel").boundingBox();
    const bubbles = widget(visitor).locator(".alc-file");
    expect(await bubbles.count()).toBe(5);
    for (const b of await bubbles.all()) {
      await b.scrollIntoViewIfNeeded();
      const box = await b.boundingBox();
      expect(box && panel && box.x >= panel.x && box.x + box.width <= panel.x + panel.width).toBe(true);
      expect(await b.locator(".alc-file-name").evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    }
    await expectNoAxeViolations(visitor, ["[data-airlock-ui]"]);
    await expectNoAxeViolations(alex, [".chat-pane"]);

    // The workspace in a 360 px window shows the conversation alone; its file bubbles fit too.
    await alex.setViewportSize(NARROW);
    const log = await pane.locator(".chat-log").boundingBox();
    for (const b of await pane.locator(".chat-file").all()) {
      await b.scrollIntoViewIfNeeded();
      const box = await b.boundingBox();
      expect(box && log && box.x >= log.x && box.x + box.width <= log.x + log.width).toBe(true);
      expect(await b.locator(".chat-file-name").evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    }
    // The top bar wraps on a phone: "Sign out" stays on screen.
    const signOut = await alex.getByRole("button", { name: "Sign out" }).boundingBox();
    expect(signOut && signOut.x >= 0 && signOut.x + signOut.width <= NARROW.width).toBe(true);
    await shot(alex, "10-agent-narrow");
  }, 60_000);

  it("the transcript names each delivered file as text (type and size); refused files are not in it", async () => {
    const { agent: auditorHttp } = await signInEnrolled(ws.server, "auditor");
    const found = await auditorHttp.json(`${ws.server.url}/api/v1/transcripts?site=demo`);
    const id = (found.body.conversations as { id: string }[])[0]?.id ?? "";
    const auditor = await ws.agent("auditor", `/console/transcripts/${id}`);
    const log = auditor.locator(".transcript");
    await log.getByText(`Sent a file: ${MARKUP_NAME} (PDF document, 205 KB)`).waitFor();
    await log.getByText("Sent a file: card-letter\uFFFDfdp.txt (plain text, 44 bytes)").waitFor();
    expect(await log.locator("img").count()).toBe(0);
    expect(await log.innerText()).not.toMatch(/invoice\.txt|form-for-you|photo\.png|huge\.pdf/);
    await shot(auditor, "09-transcript-with-files");
  }, 60_000);
});
