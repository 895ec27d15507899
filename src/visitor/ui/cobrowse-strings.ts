import type { Dictionary } from "./i18n.js";

export type CobrowseKey =
  | "viewTitle"
  | "viewText"
  | "controlTitle"
  | "controlText"
  | "allow"
  | "allowControl"
  | "decline"
  | "viewing"
  | "controlling"
  | "stop"
  | "takeBack"
  | "barLabel"
  | "highlight"
  | "ended";

export const cobrowseStrings: Dictionary<CobrowseKey> = {
  en: {
    viewTitle: "Share this page with {agent}?",
    viewText: "{agent} from support will see this page as you see it. Passwords, card numbers and fields you type in stay hidden. You can stop at any time.",
    controlTitle: "Let {agent} control this page?",
    controlText: "{agent} will be able to click, type and scroll on this page for you. Password and card fields stay off limits. You can take back control at any time.",
    allow: "Share my screen",
    allowControl: "Allow control",
    decline: "No, thanks",
    viewing: "{agent} is viewing this page",
    controlling: "{agent} is controlling this page",
    stop: "Stop sharing",
    takeBack: "Take back control",
    barLabel: "Screen sharing with support",
    highlight: "{agent} is pointing here",
    ended: "Screen sharing has ended",
  },
  de: {
    viewTitle: "Diese Seite mit {agent} teilen?",
    viewText: "{agent} vom Support sieht diese Seite so, wie Sie sie sehen. Passwörter, Kartennummern und Ihre Eingaben bleiben verborgen. Sie können jederzeit beenden.",
    controlTitle: "{agent} die Steuerung dieser Seite erlauben?",
    controlText: "{agent} kann auf dieser Seite für Sie klicken, tippen und scrollen. Passwort- und Kartenfelder bleiben gesperrt. Sie können die Steuerung jederzeit zurücknehmen.",
    allow: "Bildschirm teilen",
    allowControl: "Steuerung erlauben",
    decline: "Nein, danke",
    viewing: "{agent} sieht diese Seite",
    controlling: "{agent} steuert diese Seite",
    stop: "Teilen beenden",
    takeBack: "Steuerung zurücknehmen",
    barLabel: "Bildschirmfreigabe mit dem Support",
    highlight: "{agent} zeigt hierhin",
    ended: "Die Bildschirmfreigabe wurde beendet",
  },
};
