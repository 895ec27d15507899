import { accountPage } from "./account.js";
import { cannedResponsesPage } from "./canned-responses.js";
import { chatsPage } from "./chats.js";
import { auditPage } from "./audit.js";
import { cobrowsePage } from "./cobrowse.js";
import { cobrowseSessionsPage } from "./cobrowse-sessions.js";
import { dashboardPage } from "./dashboard.js";
import { gdprPage } from "./gdpr.js";
import { keysPage } from "./keys.js";
import { mfaPage } from "./mfa.js";
import type { ConsolePage } from "./page.js";
import { policyPage } from "./policy.js";
import { queuePage } from "./queue.js";
import { ratingsPage } from "./ratings.js";
import { recoveryCodesPage } from "./recovery-codes.js";
import { sessionsPage } from "./sessions.js";
import { signInPage } from "./sign-in.js";
import { signedOutPage } from "./signed-out.js";
import { transcriptPage, transcriptsPage } from "./transcripts.js";
import { webhooksPage } from "./webhooks.js";

/**
 * Every page of the console. Adding a page: write its module with `definePage` (see
 * docs/console.md) and add it here — one line. Navigation, access checks and the dashboard
 * follow from the page's own `access` and `nav`.
 */
export const consolePages: readonly ConsolePage[] = [
  signInPage,
  mfaPage,
  signedOutPage,
  dashboardPage,
  accountPage,
  recoveryCodesPage,
  sessionsPage,
  auditPage,
  policyPage,
  cobrowseSessionsPage,
  cobrowsePage,
  chatsPage, transcriptsPage, transcriptPage, cannedResponsesPage,
  queuePage,
  ratingsPage,
  keysPage,
  gdprPage,
  webhooksPage,
];
