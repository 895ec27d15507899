import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { openViewerSession } from "../components/viewer-session.js";
import { h } from "../dom.js";
import { definePage } from "./page.js";

/** The co-browse viewer for one session; its buttons are what the server allows this agent there. */
export const cobrowsePage = definePage({
  path: "/console/cobrowse/:room",
  title: "Co-browse",
  access: { action: "cobrowse:view" },
  render: ({ params, signal }) => {
    const status = statusRegion();
    const { view, opened } = openViewerSession(params.room ?? "", signal);
    opened.catch((err: unknown) => status.error(err));
    return h("section", { class: "cobrowse-page" }, pageHeader("Co-browse"), status.el, view.element);
  },
});
