import { describe, expect, it } from "vitest";
import { browserFamily, deviceFamily, languageTag } from "./user-agent.js";

const ua = {
  chromeLinux: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  edgeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  firefoxAndroid: "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  safariIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  safariIpad: "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  androidTablet: "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
};

describe("visitor browser and device family", () => {
  it("names the family a person would say", () => {
    expect(browserFamily(ua.chromeLinux)).toBe("Chrome");
    expect(browserFamily(ua.edgeWindows)).toBe("Edge");
    expect(browserFamily(ua.firefoxAndroid)).toBe("Firefox");
    expect(browserFamily(ua.safariIphone)).toBe("Safari");
    expect(browserFamily(ua.chromeLinux.replace("Chrome/", "HeadlessChrome/"))).toBe("Chrome");
    expect(deviceFamily(ua.chromeLinux)).toBe("Desktop");
    expect(deviceFamily(ua.firefoxAndroid)).toBe("Phone");
    expect(deviceFamily(ua.safariIphone)).toBe("Phone");
    expect(deviceFamily(ua.safariIpad)).toBe("Tablet");
    expect(deviceFamily(ua.androidTablet)).toBe("Tablet");
  });

  it("says Other for what it does not know, hostile strings included", () => {
    expect(browserFamily("")).toBe("Other");
    expect(browserFamily("<script>alert(1)</script>")).toBe("Other");
    expect(deviceFamily("x".repeat(512))).toBe("Desktop");
  });

  it("keeps a language only when it is a language tag", () => {
    expect(languageTag("en-GB")).toBe("en-GB");
    expect(languageTag("de")).toBe("de");
    expect(languageTag("<b>en</b>")).toBeUndefined();
    expect(languageTag("en GB")).toBeUndefined();
    expect(languageTag(undefined)).toBeUndefined();
  });
});
