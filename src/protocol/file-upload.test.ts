import { describe, expect, it } from "vitest";
import type { ChatFileLimitsFrame } from "./chat-frames.js";
import { displayFileName, formatFileSize } from "./file-display.js";
import { acceptList, checkFile, FileUploads, UPLOAD_CHUNK_BYTES, type FileChunkFrame, type FileStartFrame } from "./file-upload.js";

const LIMITS: ChatFileLimitsFrame = { kind: "chat-file-limits", enabled: true, maxBytes: 2 * 1024 * 1024, types: ["application/pdf", "image/jpeg", "text/plain"] };
const CONVERSATION = "6f1c1f9e-3a55-4a43-9d36-0f4f7b1e0c11";

describe("checking a file before sending", () => {
  it("refuses by size, emptiness and type; accepts by declared type or extension; nothing while files are off", () => {
    expect(checkFile(LIMITS, { name: "a.pdf", size: LIMITS.maxBytes + 1, type: "application/pdf" })).toBe("file_too_large");
    expect(checkFile(LIMITS, { name: "a.pdf", size: 0, type: "application/pdf" })).toBe("file_empty");
    expect(checkFile(LIMITS, { name: "page.html", size: 10, type: "text/html" })).toBe("file_type_refused");
    expect(checkFile(LIMITS, { name: "tool.exe", size: 10, type: "" })).toBe("file_type_refused");
    expect(checkFile(LIMITS, { name: "scan.JPEG", size: 10, type: "" })).toBeUndefined();
    expect(checkFile(LIMITS, { name: "statement", size: 10, type: "application/pdf" })).toBeUndefined();
    expect(checkFile({ ...LIMITS, enabled: false }, { name: "a.pdf", size: 10, type: "application/pdf" })).toBe("not_allowed");
    expect(checkFile(undefined, { name: "a.pdf", size: 10, type: "application/pdf" })).toBe("not_allowed");
    expect(acceptList(LIMITS)).toBe("application/pdf,image/jpeg,text/plain,.pdf,.jpg,.jpeg,.txt,.text,.log,.csv");
  });
});

describe("how a file is named on screen", () => {
  it("shows control and format characters (a right-to-left override among them) as a marker, and shortens long names in the middle", () => {
    expect(displayFileName("invoice\u202Efdp.exe")).toBe("invoice\uFFFDfdp.exe");
    expect(displayFileName("a\u200Bb\u0000c\nd.txt")).toBe("a\uFFFDb\uFFFDc\uFFFDd.txt");
    expect(displayFileName("<img src=x onerror=alert(1)>.pdf")).toBe("<img src=x onerror=alert(1)>.pdf");
    const long = displayFileName(`${"x".repeat(300)}.pdf`);
    expect([...long].length).toBe(120);
    expect(long.endsWith("xxxxxxxxxxxxxxx.pdf")).toBe(true);
    expect(formatFileSize(820)).toBe("820 bytes");
    expect(formatFileSize(210_015)).toBe("205 KB");
    expect(formatFileSize(2 * 1024 * 1024)).toBe("2 MB");
    expect(formatFileSize(1536 * 1024, "de")).toBe("1,5 MB");
  });
});

describe("sending files one chunk after each progress frame", () => {
  const setup = () => {
    const sent: (FileStartFrame | FileChunkFrame)[] = [];
    let online = true;
    const uploads = new FileUploads(
      (f) => online && sent.push(f) > 0,
      () => undefined,
    );
    return { sent, uploads, offline: (v: boolean) => (online = !v) };
  };

  it("announces, sends the chunk the server asks for next, and starts the next file once the first is acknowledged", () => {
    const { sent, uploads } = setup();
    const bytes = new Uint8Array(UPLOAD_CHUNK_BYTES + 10).fill(65);
    uploads.add(CONVERSATION, "first-file-1", "a.txt", bytes);
    uploads.add(CONVERSATION, "second-file", "b.txt", new Uint8Array([66]));
    expect(sent.map((f) => f.kind)).toEqual(["chat-file-start"]);
    uploads.progress({ kind: "chat-file-progress", conversation: CONVERSATION, clientId: "first-file-1", received: 0, size: bytes.length, stage: "receiving" });
    uploads.progress({ kind: "chat-file-progress", conversation: CONVERSATION, clientId: "first-file-1", received: UPLOAD_CHUNK_BYTES, size: bytes.length, stage: "receiving" });
    expect(sent.slice(1).map((f) => (f.kind === "chat-file-chunk" ? atob(f.data).length : 0))).toEqual([UPLOAD_CHUNK_BYTES, 10]);
    uploads.progress({ kind: "chat-file-progress", conversation: CONVERSATION, clientId: "first-file-1", received: bytes.length, size: bytes.length, stage: "scanning" });
    expect(uploads.views(CONVERSATION).map((v) => v.stage)).toEqual(["scanning", "waiting"]);
    expect(uploads.acknowledged("first-file-1")).toBe(true);
    expect(sent.at(-1)).toMatchObject({ kind: "chat-file-start", clientId: "second-file", size: 1 });
    uploads.delivered("first-file-1");
    expect(uploads.views(CONVERSATION).map((v) => v.clientId)).toEqual(["second-file"]);
  });

  it("a refusal frees the queue; a lost connection restarts the upload in flight under the same client id", () => {
    const { sent, uploads, offline } = setup();
    uploads.add(CONVERSATION, "infected-1", "eicar.txt", new Uint8Array([1, 2, 3]));
    expect(uploads.refused("infected-1", "file_infected", "flagged")).toBe(true);
    expect(uploads.refused("someone-else", "file_infected", "flagged")).toBe(false);
    expect(uploads.views(CONVERSATION)[0]).toMatchObject({ stage: "refused", refusal: { code: "file_infected" } });
    uploads.add(CONVERSATION, "retry-me-1", "c.txt", new Uint8Array([1, 2, 3]));
    uploads.progress({ kind: "chat-file-progress", conversation: CONVERSATION, clientId: "retry-me-1", received: 0, size: 3, stage: "receiving" });
    offline(true);
    uploads.reconnected();
    expect(uploads.views(CONVERSATION)[1]).toMatchObject({ stage: "waiting", received: 0 });
    offline(false);
    uploads.reconnected();
    expect(sent.filter((f) => f.kind === "chat-file-start" && f.clientId === "retry-me-1")).toHaveLength(2);
  });
});
