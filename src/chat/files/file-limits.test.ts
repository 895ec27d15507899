import { expect, it } from "vitest";
import type { AttachmentsPolicy } from "../../policy/schema/attachments.js";
import { fileLimits } from "./transfers.js";

const POLICY: AttachmentsPolicy = {
  version: 1,
  enabled: true,
  limits: { maxBytes: 2_097_152, maxFilesPerConversation: 20, asvs: ["V5.1.1"] },
  types: { allowed: ["application/pdf", "text/plain"], asvs: ["V5.2.2"] },
};

it("clients are offered files only when the policy allows them and a malware scanner is configured", () => {
  expect(fileLimits(POLICY, true)).toEqual({ kind: "chat-file-limits", enabled: true, maxBytes: 2_097_152, types: ["application/pdf", "text/plain"] });
  expect(fileLimits(POLICY, false).enabled).toBe(false);
  expect(fileLimits({ ...POLICY, enabled: false }, true).enabled).toBe(false);
});
