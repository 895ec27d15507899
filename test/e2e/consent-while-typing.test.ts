import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { answers, openCastAgent, openCastVisitor, overlaps, startCobrowseAirlock, type CastMember, type CastVisitor } from "./cobrowse-cast.js";
import type { DemoAirlock } from "./demo-airlock.js";

// Consent is an unambiguous act. A visitor keeps typing in the chat box while the share prompt
// (and later the control prompt) appears: the prompt takes no keystroke and no focus, gives no
// consent, leaves the typed text whole and covers no part of the chat input — on a desktop
// window and on a narrow phone-sized one in German. Keys pressed the moment a prompt appears,
// and a click landing on it at once, answer nothing either; only a deliberate press later does.
// Screenshots: test-results/screenshots/typing-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("consent prompts never take what the visitor types (Chromium, real relay)", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let chats: CastMember;
  let list: CastMember;

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startCobrowseAirlock();
    tb = await launchBrowser();
    // Alex is online for chat (the chats page) and starts co-browsing from the Co-browse page.
    chats = await openCastAgent(tb.browser, demo, "agent", "/console/chats?site=demo", "typing");
    await chats.page.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
    const page = await chats.context.newPage();
    page.setDefaultTimeout(15_000);
    list = { ...chats, page, shot: async () => undefined };
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  /** The visitor types "ok go " again and again into `field` until `until` resolves, then a few rounds more. */
  async function typeThrough(visitor: CastVisitor, field: ReturnType<CastVisitor["page"]["getByRole"]>, until: () => Promise<void>, onAppeared: () => Promise<void>) {
    await field.click();
    let typed = "";
    let rounds = 0;
    let stop = false;
    const typing = (async () => {
      while (!stop) {
        await visitor.page.keyboard.type("ok go ", { delay: 12 });
        typed += "ok go ";
        rounds += 1;
      }
    })();
    await until();
    const atPrompt = rounds;
    await onAppeared();
    // Keep typing through the prompt's first moments (counted in rounds, not in time).
    await expect.poll(() => rounds, { timeout: 30_000 }).toBeGreaterThan(atPrompt + 4);
    stop = true;
    await typing;
    return typed;
  }

  async function startSharing(visitor: CastVisitor): Promise<string> {
    const cobrowseSession = await visitor.page.evaluate(() => String((JSON.parse(sessionStorage.getItem("airlock.cobrowse.resume") ?? "{}") as { session?: string }).session ?? ""));
    await list.page.goto(`${demo.origin}/console/cobrowse`);
    const row = list.page.locator(`tr[data-room="${cobrowseSession}"]`);
    await row.waitFor();
    await row.getByRole("button", { name: "Start co-browsing" }).click();
    await list.page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
    return cobrowseSession;
  }

  async function expectFocusIn(field: ReturnType<CastVisitor["page"]["getByRole"]>): Promise<void> {
    expect(await field.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
  }

  /**
   * Opens the chat and types into it while the agent asks to share: the prompt takes no keystroke,
   * no answer and not the focus, and leaves the chat input uncovered. Names are the page's words.
   */
  async function sharePromptWhileTyping(visitor: CastVisitor, words: { chat: string; input: string; prompt: string }) {
    await visitor.page.getByRole("button", { name: words.chat }).click();
    const input = visitor.page.getByRole("textbox", { name: words.input });
    const prompt = visitor.page.getByRole("dialog", { name: words.prompt });
    const typed = await typeThrough(
      visitor,
      input,
      async () => {
        await startSharing(visitor);
        await prompt.waitFor();
      },
      () => visitor.shot("01-share-prompt-while-typing"),
    );
    expect(await input.inputValue()).toBe(typed);
    expect(answers(visitor)).toEqual([]);
    await expectFocusIn(input);
    const [promptBox, inputBox] = await Promise.all([prompt.boundingBox(), input.boundingBox()]);
    if (!promptBox || !inputBox) throw new Error("prompt or chat input not on screen");
    expect(overlaps(promptBox, inputBox)).toBe(false);
    return { input, prompt, promptBox };
  }

  it("the share prompt appears while the visitor types in the chat box: no keystroke lost, no consent, chat input uncovered (desktop)", async () => {
    const visitor = await openCastVisitor(tb.browser, demo, "typing-desktop");
    const { input, prompt, promptBox } = await sharePromptWhileTyping(visitor, { chat: "Chat with us", input: "Type your message", prompt: "Share this page with Alex Agent?" });
    expect(await prompt.isVisible()).toBe(true);
    const sendBox = await visitor.page.getByRole("button", { name: "Send" }).boundingBox();
    if (!sendBox) throw new Error("send button not on screen");
    expect(overlaps(promptBox, sendBox)).toBe(false);
    await expect(prompt.innerText()).resolves.toContain("Alex Agent (support agent)");

    // A deliberate click, once the prompt could be read, shares.
    await visitor.page.getByRole("button", { name: "Share my screen" }).click();
    await expect.poll(() => answers(visitor)).toEqual(["view:granted"]);
    await visitor.bar().waitFor();
    await visitor.shot("02-sharing-chat-intact");

    // The control prompt, the same way.
    const controlPrompt = visitor.page.getByRole("dialog", { name: "Let Alex Agent control this page?" });
    await input.fill("");
    const typedAgain = await typeThrough(
      visitor,
      input,
      async () => {
        await list.page.getByRole("button", { name: "Request control" }).click();
        await controlPrompt.waitFor();
      },
      () => visitor.shot("03-control-prompt-while-typing"),
    );
    expect(await input.inputValue()).toBe(typedAgain);
    expect(answers(visitor)).toEqual(["view:granted"]);
    await expectFocusIn(input);
    const controlBox = await controlPrompt.boundingBox();
    const inputAgain = await input.boundingBox();
    if (!controlBox || !inputAgain) throw new Error("control prompt or chat input not on screen");
    expect(overlaps(controlBox, inputAgain)).toBe(false);
    await controlPrompt.getByRole("button", { name: "No, thanks" }).click();
    await expect.poll(() => answers(visitor)).toEqual(["view:granted", "control:denied"]);
    expect(visitor.problems).toEqual([]);
  });

  it("on a narrow phone-sized window in German, the prompt and the sharing bar leave the chat input free", async () => {
    const visitor = await openCastVisitor(tb.browser, demo, "typing-phone-de", { viewport: { width: 390, height: 740 }, lang: "de" });
    const { input, prompt, promptBox } = await sharePromptWhileTyping(visitor, { chat: "Chat starten", input: "Nachricht eingeben", prompt: "Diese Seite mit Alex Agent teilen?" });
    expect(promptBox.x).toBeGreaterThanOrEqual(0);
    expect(promptBox.x + promptBox.width).toBeLessThanOrEqual(390);
    await expect(prompt.innerText()).resolves.toContain("Alex Agent (Kundenservice)");

    await prompt.getByRole("button", { name: "Bildschirm teilen" }).click();
    await expect.poll(() => answers(visitor)).toEqual(["view:granted"]);
    await expect.poll(() => visitor.bar().innerText()).toContain("Alex Agent sieht diese Seite");
    const [barBox, inputNow] = await Promise.all([visitor.bar().boundingBox(), input.boundingBox()]);
    if (!barBox || !inputNow) throw new Error("bar or chat input not on screen");
    expect(overlaps(barBox, inputNow)).toBe(false);
    await visitor.shot("02-sharing-bar-chat-free");
    expect(visitor.problems).toEqual([]);
  });

  it("keys pressed and a click landing the moment the prompt appears answer nothing; a deliberate key press later does", async () => {
    const visitor = await openCastVisitor(tb.browser, demo, "typing-keys");
    // Nothing on the page has focus: the visitor is reading, fingers on the keyboard.
    await visitor.page.locator("h1").first().click();
    const prompt = visitor.page.getByRole("dialog", { name: "Share this page with Alex Agent?" });
    const allow = visitor.page.getByRole("button", { name: "Share my screen" });
    await startSharing(visitor);
    await prompt.waitFor();
    // The prompt itself holds focus (for screen readers), never its Share button.
    expect(await allow.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(false);
    expect(await prompt.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await visitor.page.keyboard.press("Enter");
    await visitor.page.keyboard.press(" ");
    await allow.click({ force: true, noWaitAfter: true });
    // Still within the guard time: the prompt's buttons say so (aria-disabled until it is over).
    expect(await allow.getAttribute("aria-disabled")).toBe("true");
    await visitor.shot("01-early-keys-ignored");
    expect(answers(visitor)).toEqual([]);
    expect(await prompt.isVisible()).toBe(true);

    // Once the guard time is over, Tab to the button and press Enter: that is consent.
    await expect.poll(() => allow.getAttribute("aria-disabled"), { timeout: 15_000 }).toBeNull(); // the guard time, on a busy machine too
    await prompt.getByRole("button", { name: "No, thanks" }).focus();
    await visitor.page.keyboard.press("Tab");
    expect(await allow.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await visitor.page.keyboard.press("Enter");
    await expect.poll(() => answers(visitor)).toEqual(["view:granted"]);
    await visitor.bar().waitFor();
    expect(visitor.problems).toEqual([]);
    expect(chats.problems).toEqual([]);
  });
});
