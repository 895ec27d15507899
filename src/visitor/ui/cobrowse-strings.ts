import type { Dictionary } from "./i18n.js";

export type CobrowseKey =
  | "viewTitle"
  | "viewText"
  | "watchTitle"
  | "watchText"
  | "controlTitle"
  | "controlText"
  | "allow"
  | "allowWatcher"
  | "allowControl"
  | "decline"
  | "viewing"
  | "controlling"
  | "severalWatching"
  | "watchersLabel"
  | "watcherJoined"
  | "watcherLeft"
  | "remove"
  | "removeLabel"
  | "stop"
  | "takeBack"
  | "barLabel"
  | "highlight"
  | "clearGuides"
  | "guidesCleared"
  | "guiding"
  | "outlined"
  | "ended"
  | "roleSupervisor"
  | "roleAgent"
  | "roleOther";

export const cobrowseStrings: Dictionary<CobrowseKey> = {
  en: {
    viewTitle: "Share this page with {agent}?",
    viewText: "{agent} ({role}) will see this page as you see it. Passwords, card numbers and fields you type in stay hidden. You can stop at any time.",
    watchTitle: "Let {agent} watch too?",
    watchText: "{agent} ({role}) would also like to see this page. Passwords, card numbers and fields you type in stay hidden. You can send anyone away at any time.",
    controlTitle: "Let {agent} control this page?",
    controlText: "{agent} ({role}) will be able to click, type and scroll on this page for you. Password and card fields stay off limits. You can take back control at any time.",
    allow: "Share my screen",
    allowWatcher: "Let {agent} watch",
    allowControl: "Allow control",
    decline: "No, thanks",
    viewing: "{agent} is viewing this page",
    controlling: "{agent} is controlling this page",
    severalWatching: "{count} people from support are watching this page",
    watchersLabel: "Watching now",
    watcherJoined: "{agent} ({role}) is now watching this page",
    watcherLeft: "{agent} stopped watching",
    remove: "Remove",
    removeLabel: "Remove {agent}",
    stop: "Stop sharing",
    takeBack: "Take back control",
    barLabel: "Screen sharing with support",
    highlight: "{agent} is pointing here",
    clearGuides: "Clear drawings",
    guidesCleared: "Drawings cleared",
    guiding: "{agent} is drawing on this page. Drawings cannot click or type anything.",
    outlined: "{agent} is showing this",
    ended: "Screen sharing has ended",
    roleSupervisor: "supervisor",
    roleAgent: "support agent",
    roleOther: "support",
  },
  de: {
    viewTitle: "Diese Seite mit {agent} teilen?",
    viewText: "{agent} ({role}) sieht diese Seite so, wie Sie sie sehen. Passwörter, Kartennummern und Ihre Eingaben bleiben verborgen. Sie können jederzeit beenden.",
    watchTitle: "Darf {agent} ebenfalls zusehen?",
    watchText: "{agent} ({role}) möchte diese Seite ebenfalls sehen. Passwörter, Kartennummern und Ihre Eingaben bleiben verborgen. Sie können jede Person jederzeit entfernen.",
    controlTitle: "{agent} die Steuerung dieser Seite erlauben?",
    controlText: "{agent} ({role}) kann auf dieser Seite für Sie klicken, tippen und scrollen. Passwort- und Kartenfelder bleiben gesperrt. Sie können die Steuerung jederzeit zurücknehmen.",
    allow: "Bildschirm teilen",
    allowWatcher: "{agent} zusehen lassen",
    allowControl: "Steuerung erlauben",
    decline: "Nein, danke",
    viewing: "{agent} sieht diese Seite",
    controlling: "{agent} steuert diese Seite",
    severalWatching: "{count} Personen vom Support sehen diese Seite",
    watchersLabel: "Sehen gerade zu",
    watcherJoined: "{agent} ({role}) sieht diese Seite jetzt",
    watcherLeft: "{agent} sieht nicht mehr zu",
    remove: "Entfernen",
    removeLabel: "{agent} entfernen",
    stop: "Teilen beenden",
    takeBack: "Steuerung zurücknehmen",
    barLabel: "Bildschirmfreigabe mit dem Support",
    highlight: "{agent} zeigt hierhin",
    clearGuides: "Zeichnungen löschen",
    guidesCleared: "Zeichnungen gelöscht",
    guiding: "{agent} zeichnet auf dieser Seite. Zeichnungen können nichts anklicken oder eingeben.",
    outlined: "{agent} zeigt Ihnen das",
    ended: "Die Bildschirmfreigabe wurde beendet",
    roleSupervisor: "Teamleitung",
    roleAgent: "Kundenservice",
    roleOther: "Support",
  },
};

/** The dictionary key that words an agent's co-browse role (unknown roles read as "support"). */
export function roleKey(role: string | undefined): CobrowseKey {
  if (role === "supervisor") return "roleSupervisor";
  if (role === "agent" || role === "agent-viewer") return "roleAgent";
  return "roleOther";
}
