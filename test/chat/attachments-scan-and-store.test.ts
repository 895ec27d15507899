import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eraseConversations } from "../../src/chat/erasure.js";
import type { ChatEvent } from "../../src/chat/fanout.js";
import { topics } from "../../src/chat/fanout.js";
import { ClamdScanner, parseClamdAddress } from "../../src/chat/files/clamd.js";
import { FileTransfers, type ConnectionUploads } from "../../src/chat/files/transfers.js";
import { ChatRefusal } from "../../src/chat/refusal.js";
import type { AttachmentsPolicy } from "../../src/policy/schema/attachments.js";
import type { ChatAckFrame, ChatFileProgressFrame } from "../../src/protocol/chat-frames.js";
import { FILE_CHUNK_BYTES } from "../../src/protocol/chat-messages.js";
import { chatSuite } from "../helpers/chat-database.js";
import { clamdAvailable, CUSTOM_MALWARE_MARKER, CUSTOM_SIGNATURE, EICAR, EICAR_SIGNATURE, startClamd, type TestClamd } from "../helpers/clamd.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { clientId, visitId } from "./chat-fixture.js";

// Attachments end to end below the sockets, on SQLite and PostgreSQL with a real clamd: the type
// comes from the bytes, every file is scanned before anyone but its sender sees it, a flagged
// file is quarantined (kept encrypted, never served, audited), and what is kept is ciphertext
// under the conversation's data key, gone when the conversation is erased.

const POLICY: AttachmentsPolicy = {
  version: 1,
  enabled: true,
  limits: { maxBytes: 200_000, maxFilesPerConversation: 5, asvs: ["V5.2.1"] },
  types: { allowed: ["application/pdf", "image/png", "text/plain"], asvs: ["V5.2.2"] },
};

/** A minimal PDF: file-type knows it by its `%PDF-` magic. */
const pdf = (extra = "") => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n${extra}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, "latin1");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000a49444154789c6300010000050001" + "0d0a2db40000000049454e44ae426082", "hex");

const enabled = clamdAvailable();

describeEachDialect("chat attachments: sniffed, scanned by clamd, stored encrypted", (fx) => {
  if (!enabled) return void it.skip("clamd is not installed");
  const db = chatSuite(fx);
  let clamd: TestClamd;
  let files: FileTransfers;
  beforeAll(async () => {
    clamd = await startClamd();
    const address = parseClamdAddress(clamd.address);
    if (!address) throw new Error("bad clamd address");
    files = new FileTransfers(db.f.chat, new ClamdScanner(address, 10_000), () => POLICY);
  });
  afterAll(() => clamd.stop());

  async function chatWithAgent() {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const agentId = randomUUID();
    const c = await db.f.chat.startChat(visitor);
    await db.f.chat.accept(agentId, c.id);
    const seen: ChatEvent[] = [];
    const sub = db.f.fanout.subscribe(topics.conversation(c.id), (e) => seen.push(e));
    await sub.ready;
    return { c, visitor, agent: { kind: "agent" as const, agentId }, seen };
  }

  /** Sends a file as a client does: announce, then chunks after each progress frame. */
  async function upload(uploads: ConnectionUploads, frames: (ChatFileProgressFrame | ChatAckFrame)[], conversation: string, name: string, bytes: Buffer, id = clientId()) {
    await uploads.start({ conversation, clientId: id, name, size: bytes.length });
    for (let at = 0; at < bytes.length; at += FILE_CHUNK_BYTES) {
      await uploads.chunk({ conversation, clientId: id, data: bytes.subarray(at, at + FILE_CHUNK_BYTES).toString("base64") });
    }
    return frames.at(-1);
  }

  const refusalOf = (p: Promise<unknown>) => p.then(() => "no refusal", (e: unknown) => (e instanceof ChatRefusal || (e instanceof Error && "code" in e) ? (e as { code: string }).code : String(e)));

  it("delivers a clean PDF from the visitor to the agent: sniffed type, same bytes, progress, then the ack", async () => {
    const { c, visitor, seen } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    const body = pdf("x".repeat(70_000));
    const last = await upload(files.uploads(visitor, (f) => frames.push(f)), frames, c.id, "statement.txt", body);
    expect(last).toMatchObject({ kind: "chat-ack", conversation: c.id });
    expect(frames.flatMap((f) => (f.kind === "chat-file-progress" ? [f.stage] : []))).toEqual(["receiving", "receiving", "receiving", "scanning"]);
    const message = seen.find((e) => e.type === "message");
    expect(message?.type === "message" && message.message.kind).toBe("file");
    const announced: { file: string; type: string; name: string } | undefined = message?.type === "message" ? JSON.parse(message.message.text) : undefined;
    // The name says .txt; the bytes say PDF: the bytes win.
    expect(announced).toMatchObject({ type: "application/pdf", name: "statement.txt" });
    const read = await files.read(c.id, announced?.file ?? "");
    expect(Buffer.from(read.bytes).equals(body)).toBe(true);
    // At rest: ciphertext only, neither the bytes nor the name in the row.
    const row = await db.storage.db.selectFrom("chat_file").selectAll().where("id", "=", announced?.file ?? "").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "clean", media_type: "application/pdf", signature: null });
    expect(Buffer.from(row.content, "base64").includes(Buffer.from("%PDF-1.4"))).toBe(false);
    expect(row.name).not.toContain("statement");
  });

  it("quarantines the EICAR test file sent as text: the sender is refused, nobody else sees anything, the audit records it", async () => {
    const { c, visitor, seen } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    const code = await refusalOf(upload(files.uploads(visitor, (f) => frames.push(f)), frames, c.id, "invoice.txt", Buffer.from(EICAR, "latin1")));
    expect(code).toBe("file_infected");
    expect(seen.filter((e) => e.type === "message")).toEqual([]);
    expect(frames.some((f) => f.kind === "chat-ack")).toBe(false);
    const rows = await db.storage.db.selectFrom("chat_file").select(["id", "state", "signature"]).where("conversation_id", "=", c.id).execute();
    expect(rows).toEqual([{ id: expect.any(String) as string, state: "quarantined", signature: EICAR_SIGNATURE + ".UNOFFICIAL" }]);
    await expect(files.read(c.id, rows[0]?.id ?? "")).rejects.toMatchObject({ code: "not_found" });
    await expect(files.linkFor(c.id, rows[0]?.id ?? "")).rejects.toMatchObject({ code: "not_found" });
    const audit = await db.storage.db.selectFrom("audit_log").selectAll().where("target", "=", `file:${rows[0]?.id ?? ""}`).execute();
    expect(audit).toMatchObject([{ action: "chat.file_quarantined", decision: "deny", actor: "visitor:demo" }]);
    expect(audit[0]?.rule).toContain("Airlock.Test.EICAR");
  });

  it("quarantines a PDF carrying the test's own signature, sent by the agent", async () => {
    const { c, agent, seen } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    const code = await refusalOf(upload(files.uploads(agent, (f) => frames.push(f)), frames, c.id, "terms.pdf", pdf(CUSTOM_MALWARE_MARKER)));
    expect(code).toBe("file_infected");
    expect(seen.filter((e) => e.type === "message")).toEqual([]);
    const row = await db.storage.db.selectFrom("chat_file").select(["signature", "sender_kind", "sender_id"]).where("conversation_id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ signature: `${CUSTOM_SIGNATURE}.UNOFFICIAL`, sender_kind: "agent", sender_id: agent.agentId });
  });

  it.each([
    ["HTML named .txt", "notes.txt", Buffer.from("<!doctype html><p>hi</p><script>alert(1)</script>")],
    ["SVG named .png", "logo.png", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ["XML", "data.txt", Buffer.from('<?xml version="1.0"?><a/>')],
    ["a ZIP (not in the policy)", "archive.pdf", Buffer.from("504b0304140000000800000000000000000000000000000000000400000061", "hex")],
    ["binary without a signature", "blob.txt", Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00])],
  ])("refuses %s by its bytes (file_type_refused) and keeps nothing", async (_what, name, bytes) => {
    const { c, visitor, seen } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    expect(await refusalOf(upload(files.uploads(visitor, (f) => frames.push(f)), frames, c.id, name, bytes))).toBe("file_type_refused");
    expect(seen.filter((e) => e.type === "message")).toEqual([]);
    expect(await db.storage.db.selectFrom("chat_file").select("id").where("conversation_id", "=", c.id).execute()).toEqual([]);
  });

  it("refuses an announced size above the policy before any byte, and bytes beyond the announced size", async () => {
    const { c, visitor } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    const uploads = files.uploads(visitor, (f) => frames.push(f));
    expect(await refusalOf(uploads.start({ conversation: c.id, clientId: clientId(), name: "big.pdf", size: POLICY.limits.maxBytes + 1 }))).toBe("file_too_large");
    expect(frames).toEqual([]);
    const id = clientId();
    await uploads.start({ conversation: c.id, clientId: id, name: "small.txt", size: 4 });
    expect(await refusalOf(uploads.chunk({ conversation: c.id, clientId: id, data: Buffer.from("12345").toString("base64") }))).toBe("upload_unexpected");
    // The upload is gone: the next chunk belongs to nothing.
    expect(await refusalOf(uploads.chunk({ conversation: c.id, clientId: id, data: Buffer.from("1234").toString("base64") }))).toBe("upload_unexpected");
    expect(await db.storage.db.selectFrom("chat_file").select("id").where("conversation_id", "=", c.id).execute()).toEqual([]);
  });

  it("refuses another visit's upload into the conversation (not_found) and a chunk for an upload never announced", async () => {
    const { c } = await chatWithAgent();
    const stranger = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const uploads = files.uploads(stranger, () => undefined);
    await expect(uploads.start({ conversation: c.id, clientId: clientId(), name: "x.txt", size: 3 })).rejects.toMatchObject({ code: "not_found" });
    expect(await refusalOf(uploads.chunk({ conversation: c.id, clientId: clientId(), data: "QUJD" }))).toBe("upload_unexpected");
  });

  it("delivers nothing when clamd does not answer (scanner_unavailable), never unscanned", async () => {
    const { c, visitor, seen } = await chatWithAgent();
    const dead = new FileTransfers(db.f.chat, new ClamdScanner({ path: `${clamd.socketPath}.missing` }, 2_000), () => POLICY);
    {
      const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
      expect(await refusalOf(upload(dead.uploads(visitor, (f) => frames.push(f)), frames, c.id, "a.txt", Buffer.from("hello")))).toBe("scanner_unavailable");
    }
    expect(seen.filter((e) => e.type === "message")).toEqual([]);
    expect(await db.storage.db.selectFrom("chat_file").select("id").where("conversation_id", "=", c.id).execute()).toEqual([]);
  });

  it("gives the visitor a short-lived signed link; a forged or expired one finds nothing; erasure removes the file and every link", async () => {
    const { c, visitor, seen } = await chatWithAgent();
    const frames: (ChatFileProgressFrame | ChatAckFrame)[] = [];
    await upload(files.uploads(visitor, (f) => frames.push(f)), frames, c.id, "pixel.png", PNG);
    const m = seen.find((e) => e.type === "message");
    const fileId = m?.type === "message" ? (JSON.parse(m.message.text) as { file: string }).file : "";
    const link = new URL(await files.linkFor(c.id, fileId), "http://airlock.test");
    const e = Number(link.searchParams.get("e"));
    const t = link.searchParams.get("t") ?? "";
    expect(Buffer.from((await files.readByLink(fileId, e, t)).bytes).equals(PNG)).toBe(true);
    await expect(files.readByLink(fileId, e + 1, t)).rejects.toMatchObject({ code: "not_found" });
    await expect(files.readByLink(fileId, Date.now() - 1, t)).rejects.toMatchObject({ code: "not_found" });
    await expect(files.readByLink(fileId, e, `${t.slice(0, -1)}${t.endsWith("A") ? "B" : "A"}`)).rejects.toMatchObject({ code: "not_found" });
    await eraseConversations(db.storage.db, db.f.keys, [c.id], { actor: "cli", action: "chat.erase", target: `conversation:${c.id}` });
    expect(await db.storage.db.selectFrom("chat_file").select("id").where("conversation_id", "=", c.id).execute()).toEqual([]);
    await expect(files.readByLink(fileId, e, t)).rejects.toMatchObject({ code: "not_found" });
  });
});
