import type { z } from "zod";
import { accessSchema, type AccessPolicy } from "./access.js";
import { attachmentsSchema, type AttachmentsPolicy } from "./attachments.js";
import { cobrowseSchema, type CobrowsePolicy } from "./cobrowse.js";
import { networkSchema, type NetworkPolicy } from "./network.js";
import { retentionSchema, type RetentionPolicy } from "./retention.js";
import { routingSchema, type RoutingPolicy } from "./routing.js";
import { sanitizeSchema, type SanitizePolicy } from "./sanitize.js";
import { sessionSchema, type SessionPolicy } from "./session.js";
import { sitesSchema, type SitesPolicy } from "./sites.js";
import { webhooksSchema, type WebhooksPolicy } from "./webhooks.js";

/** The effective policy: one typed object per file of `policies/`. */
export interface Policy {
  readonly access: AccessPolicy;
  readonly cobrowse: CobrowsePolicy;
  readonly sites: SitesPolicy;
  readonly sanitize: SanitizePolicy;
  readonly session: SessionPolicy;
  readonly network: NetworkPolicy;
  readonly retention: RetentionPolicy;
  readonly routing: RoutingPolicy;
  readonly attachments: AttachmentsPolicy;
  readonly webhooks: WebhooksPolicy;
}

export type PolicyFileKey = keyof Policy;

/** Each policy file, its name in `policies/`, and the schema it must satisfy. */
export const policyFiles: { readonly [K in PolicyFileKey]: { readonly file: string; readonly schema: z.ZodType<Policy[K], unknown> } } = {
  access: { file: "access.yaml", schema: accessSchema },
  cobrowse: { file: "cobrowse.yaml", schema: cobrowseSchema },
  sites: { file: "sites.yaml", schema: sitesSchema },
  sanitize: { file: "sanitize.yaml", schema: sanitizeSchema },
  session: { file: "session.yaml", schema: sessionSchema },
  network: { file: "network.yaml", schema: networkSchema },
  retention: { file: "retention.yaml", schema: retentionSchema },
  routing: { file: "routing.yaml", schema: routingSchema },
  attachments: { file: "attachments.yaml", schema: attachmentsSchema },
  webhooks: { file: "webhooks.yaml", schema: webhooksSchema },
};

export type { AccessPolicy, AttachmentsPolicy, CobrowsePolicy, NetworkPolicy, RetentionPolicy, RoutingPolicy, SanitizePolicy, SessionPolicy, SitesPolicy, WebhooksPolicy };
